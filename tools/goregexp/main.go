// Command goregexp is the oracle of the differential tests of src/oncall_policy/matching: it
// reads one JSON object per line on standard input,
//
//	{"p": "<hex of the pattern's bytes>", "f": <syntax.Flags, optional, default syntax.Perl>,
//	 "s": ["<hex of a subject's bytes>", ...]}
//
// and answers each with one line,
//
//	{"err": "<hex of syntax.Parse's error>" | null, "dump": "<hex of the parse tree's dump>",
//	 "aerr": "<hex of regexp.Compile's error on ^(?:p)$>" | null, "adump": "<hex>",
//	 "m": [regexp.MustCompile("^(?:p)$").MatchString(subject), ...],
//	 "rm": [regexp.MustCompile(p).MatchString(subject), ...]}
//
// The dump is parse_test.go's format. Bytes travel as hex so that invalid UTF-8 survives.
// It needs Go 1.19 (Alertmanager 0.25's Go) and is not part of the test suite:
//
//	go run tools/goregexp/main.go < patterns.jsonl > answers.jsonl
//
// dumpRegexp below is copied from Go 1.19's regexp/syntax/parse_test.go (BSD licence).
package main

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
)

type request struct {
	P string   `json:"p"`
	F *int     `json:"f"`
	S []string `json:"s"`
}

type answer struct {
	Err   *string `json:"err"`
	Dump  string  `json:"dump"`
	AErr  *string `json:"aerr"`
	ADump string  `json:"adump"`
	M     []bool  `json:"m"`
	RM    []bool  `json:"rm"`
}

func unhex(s string) string {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func hexErr(err error) *string {
	if err == nil {
		return nil
	}
	h := hex.EncodeToString([]byte(err.Error()))
	return &h
}

func parsed(p string, flags syntax.Flags) (string, *string) {
	re, err := syntax.Parse(p, flags)
	if err != nil {
		return "", hexErr(err)
	}
	return hex.EncodeToString([]byte(dump(re))), nil
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<28)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			panic(err)
		}
		p := unhex(req.P)
		flags := syntax.Perl
		if req.F != nil {
			flags = syntax.Flags(*req.F)
		}
		var a answer
		a.Dump, a.Err = parsed(p, flags)
		anchored := "^(?:" + p + ")$"
		a.ADump, a.AErr = parsed(anchored, syntax.Perl)
		re, err := regexp.Compile(anchored)
		if (err == nil) != (a.AErr == nil) {
			panic("regexp.Compile and syntax.Parse disagree on " + anchored)
		}
		raw, rawErr := regexp.Compile(p)
		a.M, a.RM = []bool{}, []bool{}
		for _, s := range req.S {
			a.M = append(a.M, err == nil && re.MatchString(unhex(s)))
			a.RM = append(a.RM, rawErr == nil && raw.MatchString(unhex(s)))
		}
		if err := enc.Encode(a); err != nil {
			panic(err)
		}
		out.Flush()
	}
	if err := in.Err(); err != nil {
		panic(err)
	}
}

// dump prints a string representation of the regexp showing
// the structure explicitly.
func dump(re *syntax.Regexp) string {
	var b strings.Builder
	dumpRegexp(&b, re)
	return b.String()
}

var opNames = []string{
	syntax.OpNoMatch:        "no",
	syntax.OpEmptyMatch:     "emp",
	syntax.OpLiteral:        "lit",
	syntax.OpCharClass:      "cc",
	syntax.OpAnyCharNotNL:   "dnl",
	syntax.OpAnyChar:        "dot",
	syntax.OpBeginLine:      "bol",
	syntax.OpEndLine:        "eol",
	syntax.OpBeginText:      "bot",
	syntax.OpEndText:        "eot",
	syntax.OpWordBoundary:   "wb",
	syntax.OpNoWordBoundary: "nwb",
	syntax.OpCapture:        "cap",
	syntax.OpStar:           "star",
	syntax.OpPlus:           "plus",
	syntax.OpQuest:          "que",
	syntax.OpRepeat:         "rep",
	syntax.OpConcat:         "cat",
	syntax.OpAlternate:      "alt",
}

// dumpRegexp writes an encoding of the syntax tree for the regexp re to b.
// It is used during testing to distinguish between parses that might print
// the same using re's String method.
func dumpRegexp(b *strings.Builder, re *syntax.Regexp) {
	if int(re.Op) >= len(opNames) || opNames[re.Op] == "" {
		fmt.Fprintf(b, "op%d", re.Op)
	} else {
		switch re.Op {
		default:
			b.WriteString(opNames[re.Op])
		case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
			if re.Flags&syntax.NonGreedy != 0 {
				b.WriteByte('n')
			}
			b.WriteString(opNames[re.Op])
		case syntax.OpLiteral:
			if len(re.Rune) > 1 {
				b.WriteString("str")
			} else {
				b.WriteString("lit")
			}
			if re.Flags&syntax.FoldCase != 0 {
				for _, r := range re.Rune {
					if unicode.SimpleFold(r) != r {
						b.WriteString("fold")
						break
					}
				}
			}
		}
	}
	b.WriteByte('{')
	switch re.Op {
	case syntax.OpEndText:
		if re.Flags&syntax.WasDollar == 0 {
			b.WriteString(`\z`)
		}
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			b.WriteRune(r)
		}
	case syntax.OpConcat, syntax.OpAlternate:
		for _, sub := range re.Sub {
			dumpRegexp(b, sub)
		}
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest:
		dumpRegexp(b, re.Sub[0])
	case syntax.OpRepeat:
		fmt.Fprintf(b, "%d,%d ", re.Min, re.Max)
		dumpRegexp(b, re.Sub[0])
	case syntax.OpCapture:
		if re.Name != "" {
			b.WriteString(re.Name)
			b.WriteByte(':')
		}
		dumpRegexp(b, re.Sub[0])
	case syntax.OpCharClass:
		sep := ""
		for i := 0; i < len(re.Rune); i += 2 {
			b.WriteString(sep)
			sep = " "
			lo, hi := re.Rune[i], re.Rune[i+1]
			if lo == hi {
				fmt.Fprintf(b, "%#x", lo)
			} else {
				fmt.Fprintf(b, "%#x-%#x", lo, hi)
			}
		}
	}
	b.WriteByte('}')
}
