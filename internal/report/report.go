// Package report writes a scan result (a result.Document) in the formats
// people and tools read: text, JSON, SARIF, HTML, Markdown, JUnit.
package report
