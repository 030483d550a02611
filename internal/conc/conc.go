// Package conc holds nightlight's two concurrency helpers: the one worker
// pool (ForEach) that loading and rule running share, and the one way a
// panic in analysis code is contained (Safely), so that a bug in one
// input's loader or one rule never takes a scan down.
package conc

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
)

// ForEach calls fn(i) for every i in [0, n) on at most workers goroutines
// (workers <= 0: GOMAXPROCS) and returns when all calls have returned.
// Once ctx is done no further index is handed out. fn must contain its
// own panics (see Safely) and write only to its own index's results.
func ForEach(ctx context.Context, n, workers int, fn func(i int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	if workers <= 1 {
		for i := 0; i < n && ctx.Err() == nil; i++ {
			fn(i)
		}
		return
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// PanicError is a panic turned into an error by Safely.
type PanicError struct {
	// What says what was being done ("loading t.yaml", "rule NL1001").
	What string
	// Value is what was passed to panic; Stack the goroutine's stack.
	Value any
	Stack []byte
}

// Error says what panicked, asking for a bug report; the stack is left
// out (it is in Stack, for debug logging).
func (e *PanicError) Error() string {
	return fmt.Sprintf("internal error while %s (please report it): %v", e.What, e.Value)
}

// Safely runs fn and returns its error, or a *PanicError when fn panics.
func Safely(what string, fn func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{What: what, Value: v, Stack: debug.Stack()}
		}
	}()
	return fn()
}
