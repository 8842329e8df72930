/**
 * Runs an operator tool's `main` and exits with the code it returns; if it throws, the message goes
 * to stderr as "`name` failed: …" and the exit code is `failedCode`. A reader of stdout that stops
 * early (`… | head`) is not a failure.
 */
export function runCli(name: string, main: () => Promise<number>, failedCode: number): void {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${name} failed: ${(error as Error).message}\n`);
      process.exitCode = failedCode;
    },
  );
}
