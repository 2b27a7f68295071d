// Package image checks container images before they are deployed.
package image
