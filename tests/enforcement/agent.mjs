// @ts-check
/**
 * The process the enforcement tests keep running in each host's network namespace
 * (`ip netns exec NS node agent.mjs serve SPEC`): it listens, and it sends probes on request.
 *
 *   SPEC = {"tcp":[22,443],"udp":[53],"v4":true,"v6":false}
 *     TCP: accepts and closes every connection. UDP: echoes every datagram to its sender.
 *     Prints "ready" once every socket is bound.
 *   Then, per line on standard input: {"seq":1,"probes":[{"id":"…","proto":"tcp","host":"192.0.2.10","port":22,"timeoutMs":1000}, …]}
 *     Tries them all at once and answers with one line:
 *     {"seq":1,"results":[{"id":"…","outcome":"open"|"refused"|"timeout"|"unreachable"|"error:CODE"}]}
 *     TCP open = the handshake completed; UDP open = the listener's echo came back.
 *   Exits when standard input closes.
 *
 * One long-lived process per namespace: starting node for every probe round would cost more than
 * the probes. Plain JavaScript so that it starts without a TypeScript loader.
 */
import dgram from 'node:dgram';
import net from 'node:net';

/** @param {unknown} e */
function code(e) {
  return e && typeof e === 'object' && 'code' in e ? String(e.code) : 'unknown';
}

/** @param {string} c */
function classify(c) {
  if (c === 'ECONNREFUSED') return 'refused';
  if (c === 'EHOSTUNREACH' || c === 'ENETUNREACH' || c === 'EADDRNOTAVAIL') return 'unreachable';
  return `error:${c}`;
}

/** @param {{tcp: number[], udp: number[], v4: boolean, v6: boolean}} spec */
async function listen(spec) {
  /** @type {Promise<void>[]} */
  const bound = [];
  const families = [...(spec.v4 ? [{ host: '0.0.0.0', udp: /** @type {const} */ ('udp4') }] : []), ...(spec.v6 ? [{ host: '::', udp: /** @type {const} */ ('udp6') }] : [])];
  for (const fam of families) {
    for (const port of spec.tcp) {
      const server = net.createServer((socket) => {
        socket.on('error', () => undefined);
        socket.end();
      });
      bound.push(
        new Promise((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host: fam.host, port, ipv6Only: fam.host === '::', backlog: 511 }, () => resolve());
        }),
      );
    }
    for (const port of spec.udp) {
      const socket = dgram.createSocket({ type: fam.udp, ipv6Only: fam.udp === 'udp6' });
      socket.on('message', (msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address));
      bound.push(
        new Promise((resolve, reject) => {
          socket.once('error', reject);
          socket.bind(port, fam.host, () => resolve());
        }),
      );
    }
  }
  await Promise.all(bound);
  process.stdout.write('ready\n');
}

/** @typedef {{id: string, proto: 'tcp'|'udp', host: string, port: number, timeoutMs: number}} Probe */

/** @param {Probe} p @returns {Promise<string>} */
function probeTcp(p) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: p.host, port: p.port });
    const done = (/** @type {string} */ outcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done('timeout'), p.timeoutMs);
    socket.once('connect', () => done('open'));
    socket.once('error', (e) => done(classify(code(e))));
  });
}

/** @param {Probe} p @returns {Promise<string>} */
function probeUdp(p) {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(p.host.includes(':') ? 'udp6' : 'udp4');
    const nonce = `fwplan-probe ${p.id} ${Math.random()}`;
    let finished = false;
    const done = (/** @type {string} */ outcome) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.close();
      resolve(outcome);
    };
    const timer = setTimeout(() => done('timeout'), p.timeoutMs);
    socket.on('error', (e) => done(classify(code(e))));
    socket.on('message', (msg) => {
      if (msg.toString() === nonce) done('open');
    });
    socket.connect(p.port, p.host, () => socket.send(nonce));
  });
}

/** @param {Probe[]} probes */
async function probeAll(probes) {
  return Promise.all(probes.map(async (p) => ({ id: p.id, outcome: await (p.proto === 'tcp' ? probeTcp(p) : probeUdp(p)) })));
}

async function serve() {
  let buffer = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (/** @type {string} */ chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim() === '') continue;
      /** @type {{seq: number, probes: Probe[]}} */
      const request = JSON.parse(line);
      probeAll(request.probes).then((results) => process.stdout.write(`${JSON.stringify({ seq: request.seq, results })}\n`));
    }
  });
  process.stdin.on('end', () => process.exit(0));
}

const [mode, arg] = process.argv.slice(2);
if (mode === 'serve' && arg) {
  listen(JSON.parse(arg))
    .then(serve)
    .catch((e) => {
      process.stderr.write(`agent: cannot listen: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    });
} else {
  process.stderr.write('usage: agent.mjs serve SPEC\n');
  process.exit(2);
}
