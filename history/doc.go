// Package history keeps the incidents that were settled — resolved, or
// acknowledged by someone — so that the dashboard's "Resolved" view can
// show and search them after the incident has left the live list, across
// restarts of Warpdesk.
//
// # Storage
//
// Records live in one file under the user's data directory (DefaultPath),
// in go.etcd.io/bbolt, a kept embedded key/value store: pure Go (no cgo,
// so the agent still builds without a C toolchain), one small dependency,
// a copy-on-write B+tree whose commit fsyncs the data and then flips one
// of two checksummed meta pages, so a process killed at any instant
// (kill -9, power loss) reopens at the last committed transaction, and an
// exclusive file lock that keeps a second Warpdesk out. SQLite through a
// pure-Go driver would give the same guarantees with a far larger
// dependency and a query language this package does not need: its only
// queries are "newest first" and "contains these words", and a scan of at
// most MaxRecords records answers the second in well under a millisecond.
//
// One bucket holds the records keyed by settle time, server and uuid
// (so a cursor walks them oldest to newest); a second maps server and uuid
// to that key, so an incident acknowledged and later resolved stays one
// record, updated.
//
// # Retention
//
// At most Options.MaxRecords records (1,000) younger than Options.MaxAge
// (30 days) are kept: older ones are dropped in the transaction of every
// Add and when the store is opened, on the Options.Now clock.
//
// # Failures
//
// Open waits Options.Timeout for the file lock and then fails with
// ErrLocked: another Warpdesk holds the history. A file bbolt rejects as
// corrupt (bad meta pages, checksum, truncated, pages that fault or do not
// decode) is renamed aside as "<path>.corrupt-<time>" with a warning on
// Options.Logger, and a fresh store starts: history is worth less than a
// running agent, and the old file stays for anyone who wants to look.
// Errors are tested with errors.Is.
//
// # Concurrency
//
// A History is safe for concurrent use. Add blocks for the commit's fsync;
// Recorder queues records and writes them on a goroutine of its own, for
// callers that must not wait for the disk (the store's event dispatcher).
package history
