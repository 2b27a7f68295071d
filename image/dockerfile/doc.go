// Package dockerfile parses Dockerfiles into instructions and build stages
// with exact line numbers, without depending on BuildKit.
//
// It follows BuildKit's frontend grammar: parser directives (# syntax,
// # escape, # check) only at the top of the file; the escape character
// (backslash, or backtick after "# escape=`") for line continuations, with
// comment and empty lines inside a continuation dropped; case-insensitive
// keywords; leading --flags; the JSON (exec) form with fallback to shell
// form when the array is not valid JSON; ENV and LABEL pairs with quoting
// and the legacy "ENV key value" form; heredocs on RUN, COPY and ADD
// ("<<EOF", "<<-EOF", quoted delimiters, several per instruction, "3<<EOF");
// meta ARGs before the first FROM and their shell-style expansion in FROM
// (see Expand); stage names and references to earlier stages.
//
// Hostile input is bounded: the input size (Options.MaxBytes), the number
// of instructions, and the output, nesting depth and step count of
// variable expansion are all capped, and errors are *ParseError values
// carrying the line and a sentinel error (ErrUnterminatedHeredoc, ...).
//
// Conformance: the nested module image/dockerfile/conformance (outside this
// module, so BuildKit never becomes a dependency) compares this parser
// with BuildKit v0.34.2's on BuildKit's own parser test files and under a
// differential fuzzer: instruction keywords, start and end lines, flags,
// arguments, JSON form, ENV/LABEL/ARG keys and heredoc bodies must agree.
// Run it with: cd image/dockerfile/conformance && go test ./...
//
// Why not BuildKit's parser: github.com/moby/buildkit/frontend/dockerfile/parser
// pulls in 35 non-standard packages from 6 modules (google.golang.org/protobuf
// among them) and, from v0.32 on, forces the importing module's go directive
// to 1.26.3 or later (v0.34: 1.26.8). kubeharden is also installed as a
// pre-commit hook built with the user's Go, so that cost lands on every
// user, while the grammar needed for linting is a few hundred lines. The
// known differences: unknown instructions, a FROM with the wrong number of
// arguments and a lone continuation character are parse errors here
// (BuildKit's parser defers them to its instructions package); ONBUILD's
// inner instruction is kept as text; ENV, LABEL and ARG values are
// returned with quotes removed; bytes that are not UTF-8 are kept as they
// are (BuildKit replaces them). Like BuildKit's parser, shell-form COPY and
// ADD words are split on blanks with quotes kept, and heredoc bodies are
// returned as written (Chomp says to strip leading tabs).
package dockerfile
