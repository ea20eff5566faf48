import { main } from './main.ts';

// Exit as soon as the command is done. Everything is written synchronously by then (writeAll,
// writeFileSync); a natural exit would first wait for V8's background tasks to finish, such as
// optimising compilations the run queued as its code warmed up, which no one needs any more.
void main().then(() => process.exit());
