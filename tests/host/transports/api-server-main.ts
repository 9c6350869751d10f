// Child-process entry of api-server-process.ts: the loopback server on a project, API only.
import { handlers } from '../../../src-main/host/handlers/index';
import { createRouter } from '../../../src-main/host/router';
import { startLoopbackServer } from '../../../src-main/host/transports/server';

const projectDir = process.argv[2] ?? null;
const server = await startLoopbackServer({ router: createRouter(handlers), session: { projectDir, transport: 'server' }, staticDir: null });
process.stdout.write(`listening ${server.port} ${server.token}\n`);
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
