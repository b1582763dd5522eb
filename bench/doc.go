// Package bench holds Warpdesk's benchmarks: the socket client's receive
// path against bare gorilla baselines in the same run, latency, memory,
// and the reconnect herd. It has no code of its own; run it with
// `make bench` (see docs/BENCHMARKS.md for every figure and its command).
package bench
