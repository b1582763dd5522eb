package history_test

import (
	"fmt"
	"os"
	"time"

	"github.com/warpdesk/warpdesk/history"
)

// writerEnv makes the test binary a writer process (see runWriter): its
// value is the history's path.
const writerEnv = "WARPDESK_TEST_HISTORY_WRITER"

// runWriter adds records w<pid>-0, w<pid>-1, … one transaction each, forever, and
// prints "committed wN" on stdout after each Add returns: from then on the
// record must survive anything, kill -9 included.
func runWriter(path string) int {
	h, err := history.Open(path, history.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	start := time.Now()
	for i := 0; ; i++ {
		uuid := fmt.Sprintf("w%d-%d", os.Getpid(), i)
		if err := h.Add(rec(uuid, start.Add(time.Duration(i)*time.Millisecond))); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 3
		}
		fmt.Printf("committed %s\n", uuid)
	}
}
