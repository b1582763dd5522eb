package history

import (
	"bytes"

	bolt "go.etcd.io/bbolt"
)

// prune drops the records settled before o.MaxAge ago and then the oldest
// beyond o.MaxRecords, with their index entries; it returns how many.
// Keys start with the settle time, so both are a walk from the first key.
func prune(recs, idx *bolt.Bucket, o Options) (int, error) {
	cutoff := o.Now().Add(-o.MaxAge)
	n := count(recs)
	var drop [][]byte
	c := recs.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if n-len(drop) <= o.MaxRecords && !keyTime(k).Before(cutoff) {
			break
		}
		drop = append(drop, bytes.Clone(k))
	}
	for _, k := range drop {
		if err := drop1(recs, idx, k); err != nil {
			return 0, err
		}
	}
	return len(drop), nil
}

// drop1 deletes the record at k and the index entry that points to it.
func drop1(recs, idx *bolt.Bucket, k []byte) error {
	if err := recs.Delete(k); err != nil {
		return err
	}
	if len(k) < 8 {
		return nil
	}
	if ik := k[8:]; bytes.Equal(idx.Get(ik), k) {
		return idx.Delete(ik)
	}
	return nil
}

// count is how many keys b holds. (Bucket.Stats reads the committed pages
// only, so it misses what a write transaction has just put.)
func count(b *bolt.Bucket) int {
	n := 0
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		n++
	}
	return n
}
