package ack_test

import (
	"os"
	"testing"

	"github.com/warpdesk/warpdesk/internal/termenv/termenvtest"
)

// TestMain keeps the tests and examples away from the user's settings
// file and fails on leaked goroutines.
func TestMain(m *testing.M) { os.Exit(termenvtest.Main(m)) }
