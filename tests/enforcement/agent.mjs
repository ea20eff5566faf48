// @ts-check
/**
 * The process the kernel tests keep running in each host's network namespace
 * (`ip netns exec NS node agent.mjs serve SPEC`): it listens, and it sends probes on request. The
 * enforcement tests and the audit's kernel test (tests/audit/lab.ts) both use it.
 *
 *   SPEC = {"tcp":[22,443],"udp":[53],"v4":true,"v6":false[,"udpAddresses":["192.0.2.10",…]]}
 *     TCP: accepts and closes every connection (any address of each family). UDP: echoes every
 *     datagram to its sender; with udpAddresses, one socket per address and port instead of one
 *     per family, so that an echo leaves from the address the request went to (the audit sends
 *     from, and to, several addresses of one host).
 *     Prints "ready" once every socket is bound.
 *   Then, per line on standard input: {"seq":1,"probes":[{"id":"…","proto":"tcp","host":"192.0.2.10","port":22,"timeoutMs":1000}, …]}
 *     A probe may name its source too ("src":"192.0.2.11","sport":20001): rules on source
 *     addresses and ports can then be tested, and no two probes of a run share a connection
 *     tuple (conntrack never mixes them up).
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

/**
 * A UDP socket on `address`:`port` that echoes every datagram to its sender.
 * @param {'udp4'|'udp6'} type @param {string} address @param {number} port @returns {Promise<void>}
 */
function echo(type, address, port) {
  const socket = dgram.createSocket({ type, ipv6Only: type === 'udp6' });
  socket.on('message', (msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => resolve());
  });
}

/** @param {{tcp: number[], udp: number[], v4: boolean, v6: boolean, udpAddresses?: string[]}} spec */
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
    if (spec.udpAddresses === undefined) for (const port of spec.udp) bound.push(echo(fam.udp, fam.host, port));
  }
  for (const address of spec.udpAddresses ?? []) {
    for (const port of spec.udp) bound.push(echo(address.includes(':') ? 'udp6' : 'udp4', address, port));
  }
  await Promise.all(bound);
  process.stdout.write('ready\n');
}

/** @typedef {{id: string, proto: 'tcp'|'udp', host: string, port: number, timeoutMs: number, src?: string, sport?: number}} Probe */

/** @param {Probe} p @returns {Promise<string>} */
function probeTcp(p) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: p.host, port: p.port, ...(p.src === undefined ? {} : { localAddress: p.src }), ...(p.sport === undefined ? {} : { localPort: p.sport }) });
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
    const send = () => socket.connect(p.port, p.host, () => socket.send(nonce));
    if (p.src === undefined && p.sport === undefined) send();
    else socket.bind({ ...(p.src === undefined ? {} : { address: p.src }), ...(p.sport === undefined ? {} : { port: p.sport }) }, send);
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
