/**
 * `npm run test-db`: runs the test wire server until SIGINT/SIGTERM.
 * Prints the connection URI (and nothing else) on stdout; the port comes from `--port N`,
 * else $PORT, else an ephemeral one.
 */
import { startWireServer } from "./server.js";

function requestedPort(args: string[], env: NodeJS.ProcessEnv): number {
  const flag = args.indexOf("--port");
  const raw = flag >= 0 ? args[flag + 1] : env.PORT;
  if (raw === undefined || raw === "") return 0;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`invalid port: ${raw}`);
  }
  return port;
}

const server = await startWireServer({ port: requestedPort(process.argv.slice(2), process.env) });
process.stdout.write(`${server.uri}\n`);
process.stderr.write(
  `In-memory MongoDB test server listening (data is lost on exit). Use it with:\n  MONGODB_URI="${server.uri}"\nPress Ctrl-C to stop.\n`,
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
