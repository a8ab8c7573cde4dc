package main

// Functions returning interfaces: a factory choosing an implementation by
// name, constructors returning an interface or an error, interface values
// compared with ==, and interfaces stored in struct fields, and in map
// elements assigned from a call's two results (yaegi v0.16.1 stored no
// element there).

import (
	"fmt"
	"sort"
)

type Storage interface {
	Put(k, v string)
	Get(k string) (string, bool)
	Kind() string
}

type memStore struct{ m map[string]string }

func (s *memStore) Put(k, v string) { s.m[k] = v }
func (s *memStore) Get(k string) (string, bool) {
	v, ok := s.m[k]
	return v, ok
}
func (s *memStore) Kind() string { return "memory" }

type logStore struct {
	inner Storage
	log   []string
}

func (s *logStore) Put(k, v string) {
	s.log = append(s.log, "put "+k)
	s.inner.Put(k, v)
}
func (s *logStore) Get(k string) (string, bool) {
	s.log = append(s.log, "get "+k)
	return s.inner.Get(k)
}
func (s *logStore) Kind() string { return "logged " + s.inner.Kind() }

type nullStore struct{}

func (nullStore) Put(k, v string)           {}
func (nullStore) Get(string) (string, bool) { return "", false }
func (nullStore) Kind() string              { return "null" }

type ConfigError struct{ Name string }

func (e *ConfigError) Error() string { return "bad config " + e.Name }

func New(kind string) (Storage, error) {
	switch kind {
	case "mem":
		return &memStore{m: map[string]string{}}, nil
	case "log":
		return &logStore{inner: &memStore{m: map[string]string{}}}, nil
	case "null":
		return nullStore{}, nil
	}
	return nil, &ConfigError{kind}
}

func validateRight(ok bool) error {
	if !ok {
		return &ConfigError{"invalid"}
	}
	return nil
}

type App struct {
	store Storage
	name  string
}

func main() {
	for _, k := range []string{"mem", "log", "null", "disk"} {
		s, err := New(k)
		if err != nil {
			fmt.Println("error:", err, s == nil)
			continue
		}
		s.Put("a", "1")
		v, ok := s.Get("a")
		_, missing := s.Get("b")
		fmt.Printf("%s: %q %v %v\n", s.Kind(), v, ok, missing)
		if ls, isLog := s.(*logStore); isLog {
			fmt.Println(ls.log)
		}
	}
	fmt.Println(validateRight(true) == nil, validateRight(false))

	a, _ := New("null")
	b, _ := New("null")
	c, _ := New("mem")
	d := c
	fmt.Println(a == b, a == c, c == d)

	app := App{name: "demo"}
	app.store, _ = New("log")
	app.store.Put("x", "y")
	fmt.Println(app.name, app.store.Kind())

	stores := map[string]Storage{}
	for _, k := range []string{"null", "mem"} {
		stores[k], _ = New(k)
	}
	keys := make([]string, 0)
	for k := range stores {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Println(k, stores[k].Kind())
	}
	errs := map[string]error{}
	var kinds [2]Storage
	kinds[0], errs["disk"] = New("disk")
	kinds[1], errs["mem"] = New("mem")
	fmt.Println(kinds[0] == nil, kinds[1].Kind(), errs["disk"], errs["mem"] == nil, len(errs))
	counts := map[string]int{}
	var ok bool
	counts["x"], ok = map[string]int{"x": 3}["x"]
	fmt.Println(counts, ok)
}
