package ledger

import "sync"

// inParallel runs each fn in a goroutine of its own and returns the first
// error. A commit writes the journal, the ids index and the state records
// into three different buckets of one bbolt transaction; bbolt's puts
// into different buckets share nothing but atomic counters until the
// transaction commits (bbolt v1.4: Bucket.Put, Cursor and node touch only
// their own bucket's nodes), so on two cores they overlap. A fault or
// panic in any of them (a damaged page) is returned as a *damageError:
// guard's fault handling is per goroutine, so each gets its own.
func inParallel(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns[1:] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i+1] = guard(nil, fn)
		}()
	}
	errs[0] = guard(nil, fns[0])
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
