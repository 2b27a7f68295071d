package manifest

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/kubeharden/kubeharden"
	"github.com/kubeharden/kubeharden/internal/decode"
)

// ScanParallel is Scan for large streams: documents are framed first, then
// converted and analysed by up to workers goroutines (GOMAXPROCS when
// workers <= 0). The result is the same as Scan's, in the same order. When
// ctx is cancelled the documents not yet started are skipped and the
// context's error is returned as an input error for the whole source.
func ScanParallel(ctx context.Context, source string, data []byte, opts Options, workers int) ([]kubeharden.Report, []*kubeharden.InputError) {
	frames, errs := decode.Frames(data, source, decode.Options{})
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(frames))
	type result struct {
		reports []kubeharden.Report
		errs    []*kubeharden.InputError
		docs    int
	}
	results := make([]result, len(frames))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(frames) || ctx.Err() != nil {
					return
				}
				docs, derrs := frames[i].Decode()
				res := result{errs: derrs, docs: len(docs)}
				for _, d := range docs {
					r, err := ScanDocument(d, opts)
					if err != nil {
						res.errs = append(res.errs, err)
					}
					if r != nil {
						res.reports = append(res.reports, *r)
					}
				}
				results[i] = res
			}
		}()
	}
	wg.Wait()
	n := 0
	for _, res := range results {
		n += len(res.reports)
	}
	reports := make([]kubeharden.Report, 0, n)
	ndocs := 0
	for _, res := range results {
		reports = append(reports, res.reports...)
		errs = append(errs, res.errs...)
		ndocs += res.docs
	}
	slices.SortStableFunc(errs, func(a, b *kubeharden.InputError) int { return a.Document - b.Document })
	if err := ctx.Err(); err != nil {
		errs = append(errs, &kubeharden.InputError{Source: source, Document: -1, Err: err})
	}
	if opts.Compat == CompatKubesec && ndocs == 0 && len(errs) == 0 {
		errs = append(errs, &kubeharden.InputError{Source: source, Document: -1, Err: ErrNoDocuments})
	}
	return reports, errs
}
