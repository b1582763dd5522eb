package notify_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run on leaked goroutines: the delivery goroutine, the
// D-Bus signal loop and godbus connections must all end with Close.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
