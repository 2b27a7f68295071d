package seccomp

//go:generate go run ./internal/gen -csv ../../shared/corpus/seccomp/reference/libseccomp-syscalls.csv -corpus ../../shared/corpus/seccomp

// syscallEntry is one row of the generated syscall table.
type syscallEntry struct {
	name   string
	arches uint32
}
