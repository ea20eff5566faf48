/**
 * The engine's third entry: the audit of a plan against what a machine has loaded (iptables-save,
 * ip6tables-save, ipset save, nft -j list ruleset). Apart from src/engine/index.ts so the faces can
 * load it only when an audit is asked for (the web app imports it lazily).
 */
export * from './audit/index.ts';
