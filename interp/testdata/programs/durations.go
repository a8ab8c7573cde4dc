package main

import (
	"fmt"
	"time"
)

func main() {
	d := 90 * time.Minute
	fmt.Println(d, d.Hours(), d.Minutes())
	fmt.Println(1500*time.Millisecond, time.Duration(42))
	t := time.Date(2024, time.March, 9, 14, 30, 0, 0, time.UTC)
	fmt.Println(t.Format("2006-01-02 15:04"), t.Weekday(), t.YearDay())
	later := t.Add(36 * time.Hour)
	fmt.Println(later.Format(time.RFC3339), later.Sub(t))
	p, err := time.Parse("2006-01-02", "2023-12-25")
	fmt.Println(p.Month(), p.Day(), err)
	fmt.Println(t.Before(later), t.Truncate(time.Hour).Format(time.Kitchen))
}
