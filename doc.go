// Package kubeharden holds the finding model shared by every kubeharden
// analyzer: [Rule] (a catalogue entry), [Finding] (one rule's outcome on one
// object), [Report] (the outcome for one object or input) and [Severity].
//
// The analyzers live in sub-packages (manifest, kubelet, apiserver, netpol,
// seccomp, apparmor, audit, image); each exposes Rules() []Rule and returns
// Reports. Scores follow kubesec: a report's score is the plain sum of the
// points of the rules that apply — negative points for risks that fire,
// positive points for hardening that is present. Every analyzer uses the same
// scale so one CI threshold works everywhere.
//
// This package has no dependencies outside the standard library.
package kubeharden
