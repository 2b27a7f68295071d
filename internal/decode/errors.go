package decode

import "errors"

// Sentinel errors. They are wrapped in *kubeharden.InputError values that
// name the source, document and line; test them with errors.Is.
var (
	// ErrStreamTooLarge: the whole input exceeds Options.MaxStreamBytes.
	ErrStreamTooLarge = errors.New("input exceeds the stream size budget")
	// ErrDocumentTooLarge: one document exceeds Options.MaxDocumentBytes.
	ErrDocumentTooLarge = errors.New("document exceeds the size budget")
	// ErrTooManyDocuments: the stream has more than Options.MaxDocuments documents.
	ErrTooManyDocuments = errors.New("stream exceeds the document count budget")
	// ErrTooDeep: nesting deeper than Options.MaxDepth.
	ErrTooDeep = errors.New("document nesting exceeds the depth budget")
	// ErrAliasBudget: YAML aliases would expand beyond the alias budget.
	ErrAliasBudget = errors.New("YAML aliases expand beyond the alias budget")
	// ErrInvalidUTF8: the document is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("document is not valid UTF-8")
	// ErrSyntax: the document is not well-formed YAML or JSON.
	ErrSyntax = errors.New("syntax error")
	// ErrSeparator: a document separator line carries content ("--- {a: b}"),
	// which kubectl rejects.
	ErrSeparator = errors.New("invalid YAML document separator")
	// ErrNotObject: the document is not a mapping (a bare scalar or list).
	ErrNotObject = errors.New("document is not an object")
	// ErrType: a field has the wrong type for the target (hostNetwork: "1").
	ErrType = errors.New("wrong type")
)
