import { aggregateCommands } from "./aggregate.js";
import { explainCommands } from "./explain.js";
import { findCommands } from "./find.js";
import { findAndModifyCommands } from "./find-and-modify.js";
import { handshakeCommands } from "./handshake.js";
import { indexCommands } from "./indexes.js";
import { namespaceCommands } from "./namespaces.js";
import { sessionCommands } from "./sessions.js";
import { testingCommands } from "./testing.js";
import type { CommandDefinition } from "./types.js";
import { writeCommands } from "./writes.js";

/** Every command the server implements, by the name clients send as the first field. */
export const COMMANDS: ReadonlyMap<string, CommandDefinition> = new Map(
  Object.entries({
    ...handshakeCommands,
    ...sessionCommands,
    ...namespaceCommands,
    ...indexCommands,
    ...findCommands,
    ...aggregateCommands,
    ...explainCommands,
    ...writeCommands,
    ...findAndModifyCommands,
    ...testingCommands,
  }),
);
