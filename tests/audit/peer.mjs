// @ts-check
/**
 * The process the audit kernel test keeps running in each end namespace
 * (`ip netns exec NS node peer.mjs serve SPEC`). Like tests/enforcement/agent.mjs, but a probe
 * names its source address and source port, so that rules on source addresses and ports can be
 * tested and no two probes of a run share a connection tuple (conntrack never mixes them up).
 *
 *   SPEC = {"ports":[22,80],"addresses":["192.0.2.10",…],"v4":true,"v6":true}: TCP accept-and-close
 *   on every port (any address), UDP echo on every port of every address.
 *   Prints "ready" once every socket is bound.
 *   Then per line on standard input: {"seq":1,"probes":[{"id":"…","proto":"tcp","src":"…","sport":20001,"dst":"…","dport":22,"timeoutMs":700}]}
 *   Answers one line: {"seq":1,"results":[{"id":"…","outcome":"open"|"refused"|"timeout"|"unreachable"|"error:CODE"}]}
 *   Exits when standard input closes.
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
  if (c === 'EHOSTUNREACH' || c === 'ENETUNREACH') return 'unreachable';
  return `error:${c}`;
}

/** @param {{ports: number[], addresses: string[], v4: boolean, v6: boolean}} spec */
async function listen(spec) {
  /** @type {Promise<void>[]} */
  const bound = [];
  const families = [...(spec.v4 ? ['0.0.0.0'] : []), ...(spec.v6 ? ['::'] : [])];
  for (const fam of families) {
    for (const port of spec.ports) {
      const server = net.createServer((socket) => {
        socket.on('error', () => undefined);
        socket.end();
      });
      bound.push(
        new Promise((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host: fam, port, ipv6Only: fam === '::', backlog: 511 }, () => resolve());
        }),
      );
    }
  }
  // UDP: one socket per address, so that an echo leaves from the address the request went to
  for (const address of spec.addresses) {
    for (const port of spec.ports) {
      const socket = dgram.createSocket({ type: address.includes(':') ? 'udp6' : 'udp4', ipv6Only: address.includes(':') });
      socket.on('message', (msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address));
      bound.push(
        new Promise((resolve, reject) => {
          socket.once('error', reject);
          socket.bind(port, address, () => resolve());
        }),
      );
    }
  }
  await Promise.all(bound);
  process.stdout.write('ready\n');
}

/** @typedef {{id: string, proto: 'tcp'|'udp', src: string, sport: number, dst: string, dport: number, timeoutMs: number}} Probe */

/** @param {Probe} p @returns {Promise<string>} */
function probeTcp(p) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: p.dst, port: p.dport, localAddress: p.src, localPort: p.sport });
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
    const socket = dgram.createSocket(p.dst.includes(':') ? 'udp6' : 'udp4');
    const nonce = `fwplan-audit ${p.id} ${Math.random()}`;
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
    socket.bind({ address: p.src, port: p.sport }, () => socket.connect(p.dport, p.dst, () => socket.send(nonce)));
  });
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
      Promise.all(request.probes.map(async (p) => ({ id: p.id, outcome: await (p.proto === 'tcp' ? probeTcp(p) : probeUdp(p)) }))).then((results) =>
        process.stdout.write(`${JSON.stringify({ seq: request.seq, results })}\n`),
      );
    }
  });
  process.stdin.on('end', () => process.exit(0));
}

const [mode, arg] = process.argv.slice(2);
if (mode === 'serve' && arg) {
  listen(JSON.parse(arg))
    .then(serve)
    .catch((e) => {
      process.stderr.write(`peer: cannot listen: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    });
} else {
  process.stderr.write('usage: peer.mjs serve SPEC\n');
  process.exit(2);
}
