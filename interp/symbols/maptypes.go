package symbols

import (
	"encoding"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log"
	"reflect"
)

// mapTypes tells yaegi, for compiled functions that take interface
// values, which interfaces they look for in them. A value of an
// interpreted type that has a String method must reach fmt.Println as a
// fmt.Stringer, which yaegi does by wrapping it; without this table fmt
// would print the struct behind it.
func mapTypes() map[reflect.Value][]reflect.Type {
	iface := func(p any) reflect.Type { return reflect.TypeOf(p).Elem() }
	printing := []reflect.Type{iface((*fmt.Formatter)(nil)), iface((*fmt.Stringer)(nil))}
	scanning := []reflect.Type{iface((*fmt.Scanner)(nil))}
	jsonOut := []reflect.Type{iface((*json.Marshaler)(nil)), iface((*encoding.TextMarshaler)(nil))}
	jsonIn := []reflect.Type{iface((*json.Unmarshaler)(nil)), iface((*encoding.TextUnmarshaler)(nil))}
	xmlOut := []reflect.Type{iface((*xml.Marshaler)(nil)), iface((*encoding.TextMarshaler)(nil))}
	xmlIn := []reflect.Type{iface((*xml.Unmarshaler)(nil)), iface((*encoding.TextUnmarshaler)(nil))}

	m := map[reflect.Value][]reflect.Type{}
	add := func(types []reflect.Type, funcs ...any) {
		for _, f := range funcs {
			m[reflect.ValueOf(f)] = types
		}
	}
	add(printing, fmt.Errorf, fmt.Fprint, fmt.Fprintf, fmt.Fprintln, fmt.Print, fmt.Printf, fmt.Println,
		fmt.Sprint, fmt.Sprintf, fmt.Sprintln, fmt.Append, fmt.Appendf, fmt.Appendln,
		log.Fatal, log.Fatalf, log.Fatalln, log.Panic, log.Panicf, log.Panicln, log.Print, log.Printf, log.Println)
	add(scanning, fmt.Scan, fmt.Scanf, fmt.Scanln, fmt.Sscan, fmt.Sscanf, fmt.Sscanln, fmt.Fscan, fmt.Fscanf, fmt.Fscanln)
	add(jsonOut, json.Marshal, json.MarshalIndent)
	add(jsonIn, json.Unmarshal)
	add(xmlOut, xml.Marshal, xml.MarshalIndent)
	add(xmlIn, xml.Unmarshal)
	return m
}
