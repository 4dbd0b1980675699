// Command unicode_tables writes the tables of Go's unicode package that regexp/syntax reads:
// unicode.Categories, unicode.Scripts, unicode.FoldCategory, unicode.FoldScript and the simple
// case-folding orbits of unicode.SimpleFold, as the JSON files src/oncall_policy/matching reads.
//
// Run it with Go 1.19 (the Go of Alertmanager 0.25), from the repository's root:
//
//	go run tools/unicode_tables/main.go src/oncall_policy/matching/data
//
// It is a development tool: neither the package nor its tests need Go.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"unicode"
)

// tables is the JSON of go_unicode_tables.json: each table as Go's RangeTable lists it,
// R16 then R32, flattened to lo, hi, stride, lo, hi, stride, ...
type tables struct {
	Go           string             `json:"go"`
	Unicode      string             `json:"unicode"`
	Categories   map[string][]int32 `json:"categories"`
	Scripts      map[string][]int32 `json:"scripts"`
	FoldCategory map[string][]int32 `json:"fold_category"`
	FoldScript   map[string][]int32 `json:"fold_script"`
}

// folds is the JSON of go_unicode_folds.json: every orbit of unicode.SimpleFold with more than
// one rune, in increasing order (SimpleFold maps each rune to the next, the last to the first).
type folds struct {
	Go      string    `json:"go"`
	Unicode string    `json:"unicode"`
	Orbits  [][]int32 `json:"orbits"`
}

func flatten(t *unicode.RangeTable) []int32 {
	out := []int32{}
	for _, r := range t.R16 {
		out = append(out, int32(r.Lo), int32(r.Hi), int32(r.Stride))
	}
	for _, r := range t.R32 {
		out = append(out, int32(r.Lo), int32(r.Hi), int32(r.Stride))
	}
	return out
}

func flattenAll(m map[string]*unicode.RangeTable) map[string][]int32 {
	out := make(map[string][]int32, len(m))
	for name, t := range m {
		out[name] = flatten(t)
	}
	return out
}

// orbits lists the SimpleFold orbits and checks that each is the sorted cycle the loader assumes.
func orbits() [][]int32 {
	var out [][]int32
	seen := map[rune]bool{}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if seen[r] || unicode.SimpleFold(r) == r {
			continue
		}
		orbit := []int32{int32(r)}
		seen[r] = true
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			orbit = append(orbit, int32(f))
			seen[f] = true
		}
		sorted := append([]int32(nil), orbit...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
		for i, c := range sorted {
			if unicode.SimpleFold(rune(c)) != rune(sorted[(i+1)%len(sorted)]) {
				panic(fmt.Sprintf("orbit of %#x is not a sorted cycle", r))
			}
		}
		out = append(out, sorted)
	}
	return out
}

func write(path string, data []byte) {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		panic(err)
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: unicode_tables OUTPUT_DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	t := tables{
		Go:           runtime.Version(),
		Unicode:      unicode.Version,
		Categories:   flattenAll(unicode.Categories),
		Scripts:      flattenAll(unicode.Scripts),
		FoldCategory: flattenAll(unicode.FoldCategory),
		FoldScript:   flattenAll(unicode.FoldScript),
	}
	data, err := json.Marshal(t)
	if err != nil {
		panic(err)
	}
	write(filepath.Join(dir, "go_unicode_tables.json"), append(data, '\n'))

	f, err := json.Marshal(folds{Go: runtime.Version(), Unicode: unicode.Version, Orbits: orbits()})
	if err != nil {
		panic(err)
	}
	write(filepath.Join(dir, "go_unicode_folds.json"), append(f, '\n'))
}
