package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

type Address struct {
	Street string `json:"street"`
	City   string `json:"city,omitempty"`
	zip    string
}

type User struct {
	ID       int               `json:"id"`
	Name     string            `json:"name"`
	Email    string            `json:"email,omitempty"`
	Address  *Address          `json:"address,omitempty"`
	Roles    []string          `json:"roles"`
	Meta     map[string]string `json:"meta,omitempty"`
	Ignored  string            `json:"-"`
	password string            `json:"password"`
	visits   int
	Score    float64 `json:"score,string"`
}

func main() {
	u := User{ID: 1, Name: "ada", Address: &Address{Street: "1 Main", zip: "0000"}, Roles: []string{"admin"}, Ignored: "x", password: "secret", visits: 3, Score: 9.5}
	data, err := json.Marshal(u)
	fmt.Println(string(data), err)

	pretty, _ := json.MarshalIndent([]User{{ID: 2, Name: "bob", password: "p"}}, "", "  ")
	fmt.Println(string(pretty))

	var back User
	in := `{"id":3,"name":"cy","password":"leak","visits":9,"Xpassword":"x","address":{"street":"2 Side","zip":"1111"},"roles":null,"score":"1.25"}`
	if err := json.Unmarshal([]byte(in), &back); err != nil {
		fmt.Println("error:", err)
	}
	fmt.Println(back.ID, back.Name, back.password == "", back.visits, back.Address.Street, back.Address.zip == "", back.Roles == nil, back.Score)

	dec := json.NewDecoder(strings.NewReader(`{"id":4,"name":"dee"} {"id":5,"name":"eve"}`))
	for dec.More() {
		var x User
		if err := dec.Decode(&x); err != nil {
			fmt.Println("decode:", err)
			break
		}
		fmt.Println("decoded", x.ID, x.Name)
	}

	t := reflect.TypeOf(User{})
	f, _ := t.FieldByName("Email")
	fmt.Println(f.Tag.Get("json"))
	fmt.Printf("%+v\n", Address{Street: "s", zip: "z"})
}
