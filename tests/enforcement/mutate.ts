/**
 * Deliberate breakage of a correct export, the way a buggy renderer would break it: one port left
 * out of a rule, or a rule's source and destination swapped. Each mutation throws when it finds
 * nothing to break, so a change in the export format cannot make the proof vacuous.
 */

function mutateLines(text: string, marker: string, change: (line: string) => string, what: string): string {
  let changed = 0;
  const out = text.split('\n').map((line) => {
    if (line.startsWith('#') || !line.includes(marker)) return line;
    const next = change(line);
    if (next !== line) changed++;
    return next;
  });
  if (changed === 0) throw new Error(`${what}: no rule line with "${marker}" could be changed`);
  return out.join('\n');
}

/** Leave `port` out of the port list of the rule(s) whose line contains `marker` (nft `{ … }` or iptables `--dports`). */
export function dropPort(text: string, marker: string, port: number): string {
  return mutateLines(
    text,
    marker,
    (line) => {
      const nft = /dport \{ ([^}]*) \}/.exec(line);
      if (nft?.[1]) {
        const kept = nft[1].split(', ').filter((p) => p !== String(port));
        return line.replace(nft[0], kept.length === 1 ? `dport ${kept[0]}` : `dport { ${kept.join(', ')} }`);
      }
      const ipt = /--dports (\S+)/.exec(line);
      if (ipt?.[1]) {
        const kept = ipt[1].split(',').filter((p) => p !== String(port));
        return line.replace(ipt[0], `--dports ${kept.join(',')}`);
      }
      return line;
    },
    `drop port ${port}`,
  );
}

/** Swap source and destination of the rule(s) whose line contains `marker` (nft saddr/daddr, iptables -s/-d). */
export function swapDirection(text: string, marker: string): string {
  return mutateLines(
    text,
    marker,
    (line) => {
      const nft = /(ip6?) saddr (\S+) (ip6?) daddr (\S+)/.exec(line);
      if (nft) return line.replace(nft[0], `${nft[1]} saddr ${nft[4]} ${nft[3]} daddr ${nft[2]}`);
      const ipt = /-s (\S+) -d (\S+)/.exec(line);
      if (ipt) return line.replace(ipt[0], `-s ${ipt[2]} -d ${ipt[1]}`);
      return line;
    },
    'swap direction',
  );
}
