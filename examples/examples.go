// Package examples holds the example catalogue (the same courses as katalog.csv and
// katalog.xlsx), embedded for `asnbot demo`.
package examples

import _ "embed"

// Catalogue is katalog.yaml.
//
//go:embed katalog.yaml
var Catalogue []byte
