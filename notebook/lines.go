package notebook

// splitLines splits s after each line boundary, keeping the boundaries,
// exactly as Python's str.splitlines(True) does (nbformat writes sources
// with it): \n, \r, \r\n, \v, \f, \x1c, \x1d, \x1e, \x85, U+2028, U+2029.
// The result is never nil, so an empty string is written as [].
func splitLines(s string) []string {
	lines := []string{}
	start := 0
	for i := 0; i < len(s); {
		n := 0 // length of the boundary at i
		switch c := s[i]; c {
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e:
			n = 1
		case '\r':
			n = 1
			if i+1 < len(s) && s[i+1] == '\n' {
				n = 2
			}
		case 0xc2: // U+0085 is C2 85 in UTF-8
			if i+1 < len(s) && s[i+1] == 0x85 {
				n = 2
			}
		case 0xe2: // U+2028 and U+2029 are E2 80 A8 and E2 80 A9
			if i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xa8 || s[i+2] == 0xa9) {
				n = 3
			}
		}
		if n == 0 {
			i++
			continue
		}
		i += n
		lines = append(lines, s[start:i])
		start = i
	}
	if start < len(s) {
		lines = append(lines, s[start:])
	}
	return lines
}
