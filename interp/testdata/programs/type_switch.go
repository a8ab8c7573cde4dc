package main

import "fmt"

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case int:
		return fmt.Sprintf("int %d", x)
	case string:
		return fmt.Sprintf("string of %d bytes", len(x))
	case []int:
		return fmt.Sprintf("slice of %d ints", len(x))
	case error:
		return "error " + x.Error()
	case fmt.Stringer:
		return "stringer " + x.String()
	default:
		return fmt.Sprintf("other %v", x)
	}
}

func main() {
	for _, v := range []any{nil, 42, "héllo", []int{1, 2}, fmt.Errorf("bad"), 3.5, true} {
		fmt.Println(describe(v))
	}
	var i any = "text"
	if s, ok := i.(string); ok {
		fmt.Println("is string:", s)
	}
	if _, ok := i.(int); !ok {
		fmt.Println("not an int")
	}
}
