package conn

// Fetch is fetch, for the catch-up tests.
var Fetch = fetch

// MaxSnapshotBytes bounds a catch-up response.
const MaxSnapshotBytes = maxSnapshotBytes
