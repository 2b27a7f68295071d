package dockerfile

import (
	"bytes"
	"testing"
)

func FuzzParse(f *testing.F) {
	f.Add([]byte("FROM alpine:3.20\nRUN echo hi\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(data)
		if err != nil {
			if file != nil {
				t.Fatal("file and error both returned")
			}
			return
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, in := range file.Instructions {
			if in.StartLine < 1 || in.EndLine < in.StartLine || in.EndLine > lines {
				t.Fatalf("bad lines %d-%d of %d for %s", in.StartLine, in.EndLine, lines, in.Cmd)
			}
			if in.Column < 1 {
				t.Fatalf("bad column %d", in.Column)
			}
			for _, h := range in.Heredocs {
				if h.StartLine <= in.StartLine || h.EndLine > in.EndLine {
					t.Fatalf("heredoc lines %d-%d outside %d-%d", h.StartLine, h.EndLine, in.StartLine, in.EndLine)
				}
			}
		}
		for i, s := range file.Stages {
			if s.Index != i || s.From == nil || s.BaseStage >= i {
				t.Fatalf("bad stage %d", i)
			}
		}
		if file.Escape != '\\' && file.Escape != '`' {
			t.Fatalf("bad escape %q", file.Escape)
		}
	})
}
