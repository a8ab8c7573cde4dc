package notebook

import (
	"html"
	"regexp"
	"strings"
)

// markdown renders the subset of Markdown that notebooks mostly use:
// ATX headings, paragraphs, bullet and numbered lists (nested by
// indentation), block quotes, fenced and indented code, rules, pipe tables,
// and inline code, emphasis, links, images and autolinks. Raw HTML is
// escaped, not passed through: an exported page must not run what a
// notebook smuggles into a markdown cell. attachments resolves
// "attachment:NAME" image sources.
type markdown struct {
	attachments map[string]map[string]any
	out         strings.Builder
}

func renderMarkdown(src string, attachments map[string]map[string]any) string {
	m := &markdown{attachments: attachments}
	m.blocks(strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n"))
	return m.out.String()
}

var (
	mdHeading  = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	mdRule     = regexp.MustCompile(`^ {0,3}((\*[ \t]*){3,}|(-[ \t]*){3,}|(_[ \t]*){3,})$`)
	mdFence    = regexp.MustCompile("^ {0,3}(```+|~~~+)[ \t]*([^`\\s]*)")
	mdBullet   = regexp.MustCompile(`^( {0,3})([-*+])([ \t]+|$)`)
	mdOrdered  = regexp.MustCompile(`^( {0,3})(\d{1,9})([.)])([ \t]+|$)`)
	mdQuote    = regexp.MustCompile(`^ {0,3}> ?`)
	mdTableSep = regexp.MustCompile(`^ *\|? *:?-+:? *(\| *:?-+:? *)*\|? *$`)
)

func isBlank(l string) bool { return strings.TrimSpace(l) == "" }

// startsBlock reports whether line l interrupts a paragraph.
func startsBlock(l string) bool {
	return mdHeading.MatchString(l) || mdRule.MatchString(l) || mdFence.MatchString(l) ||
		mdQuote.MatchString(l) || mdBullet.MatchString(l) && !isBlank(l[len(mdBullet.FindString(l)):]) ||
		mdOrdered.MatchString(l) && !isBlank(l[len(mdOrdered.FindString(l)):])
}

func (m *markdown) blocks(lines []string) {
	for i := 0; i < len(lines); {
		l := lines[i]
		switch {
		case isBlank(l):
			i++
		case mdFence.MatchString(l):
			i = m.fenced(lines, i)
		case mdHeading.MatchString(l):
			g := mdHeading.FindStringSubmatch(l)
			n := string('0' + rune(len(g[1])))
			m.out.WriteString("<h" + n + ">" + m.inline(g[2]) + "</h" + n + ">\n")
			i++
		case mdRule.MatchString(l):
			m.out.WriteString("<hr>\n")
			i++
		case mdQuote.MatchString(l):
			var inner []string
			for ; i < len(lines) && !isBlank(lines[i]); i++ {
				inner = append(inner, mdQuote.ReplaceAllString(lines[i], ""))
			}
			m.out.WriteString("<blockquote>\n")
			m.blocks(inner)
			m.out.WriteString("</blockquote>\n")
		case mdBullet.MatchString(l) || mdOrdered.MatchString(l):
			i = m.list(lines, i)
		case strings.HasPrefix(l, "    ") || strings.HasPrefix(l, "\t"):
			var code []string
			for ; i < len(lines) && (isBlank(lines[i]) || strings.HasPrefix(lines[i], "    ") || strings.HasPrefix(lines[i], "\t")); i++ {
				code = append(code, strings.TrimPrefix(strings.TrimPrefix(lines[i], "\t"), "    "))
			}
			for len(code) > 0 && isBlank(code[len(code)-1]) {
				code = code[:len(code)-1]
			}
			m.out.WriteString("<pre><code>" + html.EscapeString(strings.Join(code, "\n")) + "</code></pre>\n")
		case strings.Contains(l, "|") && i+1 < len(lines) && mdTableSep.MatchString(lines[i+1]) && strings.Contains(lines[i+1], "-"):
			i = m.table(lines, i)
		default:
			var para []string
			for ; i < len(lines) && !isBlank(lines[i]) && (len(para) == 0 || !startsBlock(lines[i])); i++ {
				para = append(para, lines[i])
			}
			m.out.WriteString("<p>" + m.inlineLines(para) + "</p>\n")
		}
	}
}

func (m *markdown) fenced(lines []string, i int) int {
	g := mdFence.FindStringSubmatch(lines[i])
	fence := g[1]
	var code []string
	i++
	for ; i < len(lines); i++ {
		if t := strings.TrimSpace(lines[i]); strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "" {
			i++
			break
		}
		code = append(code, lines[i])
	}
	class := ""
	if g[2] != "" {
		class = ` class="language-` + html.EscapeString(g[2]) + `"`
	}
	m.out.WriteString("<pre><code" + class + ">" + html.EscapeString(strings.Join(code, "\n")) + "</code></pre>\n")
	return i
}

// list renders the list starting at line i and returns the line after it.
func (m *markdown) list(lines []string, i int) int {
	ordered := !mdBullet.MatchString(lines[i])
	tag, start := "ul", ""
	if ordered {
		tag = "ol"
		if g := mdOrdered.FindStringSubmatch(lines[i]); g[2] != "1" {
			start = ` start="` + strings.TrimLeft(g[2], "0") + `"`
		}
	}
	m.out.WriteString("<" + tag + start + ">\n")
	var items [][]string
	loose := false
	for i < len(lines) {
		l := lines[i]
		marker := mdBullet.FindString(l)
		if ordered {
			marker = mdOrdered.FindString(l)
		}
		if marker == "" {
			break
		}
		indent := len(marker)
		item := []string{l[len(marker):]}
		i++
		for i < len(lines) {
			l := lines[i]
			if isBlank(l) {
				// A blank line continues the item only if indented content follows.
				if i+1 < len(lines) && leadingSpaces(lines[i+1]) >= indent && !isBlank(lines[i+1]) {
					item = append(item, "")
					loose = true
					i++
					continue
				}
				break
			}
			if leadingSpaces(l) >= indent {
				item = append(item, l[min(indent, len(l)):])
			} else if !startsBlock(l) && !isBlank(item[len(item)-1]) {
				item = append(item, l) // lazy continuation of a paragraph
			} else {
				break
			}
			i++
		}
		items = append(items, item)
		// Blank lines between items make the list loose.
		if i+1 < len(lines) && isBlank(lines[i]) && (mdBullet.MatchString(lines[i+1]) && !ordered || mdOrdered.MatchString(lines[i+1]) && ordered) {
			loose = true
			i++
		}
	}
	for _, item := range items {
		sub := &markdown{attachments: m.attachments}
		sub.blocks(item)
		s := sub.out.String()
		if !loose {
			// A tight list shows its items' paragraphs without <p>.
			s = strings.TrimSuffix(s, "\n")
			if strings.HasPrefix(s, "<p>") {
				if j := strings.Index(s, "</p>"); j >= 0 {
					s = s[3:j] + s[j+4:]
				}
			}
		}
		m.out.WriteString("<li>" + s + "</li>\n")
	}
	m.out.WriteString("</" + tag + ">\n")
	return i
}

func leadingSpaces(l string) int {
	n := 0
	for _, c := range l {
		switch c {
		case ' ':
			n++
		case '\t':
			n += 4
		default:
			return n
		}
	}
	return n
}

func (m *markdown) table(lines []string, i int) int {
	cells := func(l string) []string {
		l = strings.TrimSpace(l)
		l = strings.TrimPrefix(strings.TrimSuffix(l, "|"), "|")
		parts := strings.Split(l, "|")
		for j := range parts {
			parts[j] = strings.TrimSpace(parts[j])
		}
		return parts
	}
	var align []string
	for _, s := range cells(lines[i+1]) {
		switch {
		case strings.HasPrefix(s, ":") && strings.HasSuffix(s, ":"):
			align = append(align, ` style="text-align:center"`)
		case strings.HasSuffix(s, ":"):
			align = append(align, ` style="text-align:right"`)
		default:
			align = append(align, "")
		}
	}
	row := func(l, tag string) {
		m.out.WriteString("<tr>")
		for j, c := range cells(l) {
			a := ""
			if j < len(align) {
				a = align[j]
			}
			m.out.WriteString("<" + tag + a + ">" + m.inline(c) + "</" + tag + ">")
		}
		m.out.WriteString("</tr>\n")
	}
	m.out.WriteString("<table>\n<thead>\n")
	row(lines[i], "th")
	m.out.WriteString("</thead>\n<tbody>\n")
	for i += 2; i < len(lines) && !isBlank(lines[i]) && strings.Contains(lines[i], "|"); i++ {
		row(lines[i], "td")
	}
	m.out.WriteString("</tbody>\n</table>\n")
	return i
}

// inlineLines renders a paragraph's lines, with hard breaks for lines that
// end in two spaces or a backslash. The paragraph is rendered as one text,
// so that emphasis and code spans may run across its lines.
func (m *markdown) inlineLines(lines []string) string {
	const hardBreak = "\x00" // survives inline rendering untouched
	var sb strings.Builder
	for j, l := range lines {
		last := j == len(lines)-1
		l = strings.ReplaceAll(strings.TrimLeft(l, " \t"), hardBreak, "")
		hard := !last && (strings.HasSuffix(l, "  ") || strings.HasSuffix(l, "\\"))
		l = strings.TrimRight(l, " \t")
		if hard {
			l = strings.TrimSuffix(l, "\\") + hardBreak
		}
		sb.WriteString(l)
		if !last {
			sb.WriteString("\n")
		}
	}
	return strings.ReplaceAll(m.inline(sb.String()), hardBreak, "<br>")
}

var mdAutolink = regexp.MustCompile(`^<((?:https?|mailto|ftp):[^\s<>]+)>`)

// inline renders inline Markdown.
func (m *markdown) inline(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && strings.IndexByte("\\`*_{}[]()#+-.!|<>~\"'", s[i+1]) >= 0:
			sb.WriteString(html.EscapeString(s[i+1 : i+2]))
			i += 2
			continue
		case c == '`':
			n := runLen(s, i, '`')
			if end := strings.Index(s[i+n:], s[i:i+n]); end >= 0 && runLen(s, i+n+end, '`') == n {
				code := s[i+n : i+n+end]
				if len(code) > 1 && code[0] == ' ' && code[len(code)-1] == ' ' {
					code = code[1 : len(code)-1]
				}
				sb.WriteString("<code>" + html.EscapeString(code) + "</code>")
				i += 2*n + end
				continue
			}
			sb.WriteString(s[i : i+n])
			i += n
			continue
		case c == '!' && strings.HasPrefix(s[i+1:], "["):
			if text, dest, title, n, ok := parseLink(s[i+1:]); ok {
				sb.WriteString(`<img src="` + html.EscapeString(m.imageSource(dest)) + `" alt="` + html.EscapeString(text) + `"`)
				if title != "" {
					sb.WriteString(` title="` + html.EscapeString(title) + `"`)
				}
				sb.WriteString(">")
				i += 1 + n
				continue
			}
		case c == '[':
			if text, dest, title, n, ok := parseLink(s[i:]); ok {
				sb.WriteString(`<a href="` + html.EscapeString(safeURL(dest)) + `"`)
				if title != "" {
					sb.WriteString(` title="` + html.EscapeString(title) + `"`)
				}
				sb.WriteString(">" + m.inline(text) + "</a>")
				i += n
				continue
			}
		case c == '<':
			if g := mdAutolink.FindStringSubmatch(s[i:]); g != nil {
				u := html.EscapeString(g[1])
				sb.WriteString(`<a href="` + u + `">` + u + "</a>")
				i += len(g[0])
				continue
			}
		case c == '*' || c == '_':
			n := runLen(s, i, c)
			if n > 3 {
				break
			}
			leftOK := i+n < len(s) && s[i+n] != ' ' && (c == '*' || i == 0 || !isWordByte(s[i-1]))
			if leftOK {
				if end := findCloser(s, i+n, c, n); end >= 0 {
					inner := m.inline(s[i+n : end])
					switch n {
					case 1:
						inner = "<em>" + inner + "</em>"
					case 2:
						inner = "<strong>" + inner + "</strong>"
					case 3:
						inner = "<strong><em>" + inner + "</em></strong>"
					}
					sb.WriteString(inner)
					i = end + n
					continue
				}
			}
			sb.WriteString(s[i : i+n])
			i += n
			continue
		}
		sb.WriteString(html.EscapeString(s[i : i+1]))
		i++
	}
	return sb.String()
}

func runLen(s string, i int, c byte) int {
	n := 0
	for i+n < len(s) && s[i+n] == c {
		n++
	}
	return n
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// findCloser finds a run of exactly n c's at or after i that can close
// emphasis: not preceded by a space and, for _, not followed by a letter.
// Code spans are skipped.
func findCloser(s string, i int, c byte, n int) int {
	for i < len(s) {
		switch s[i] {
		case '`':
			k := runLen(s, i, '`')
			if end := strings.Index(s[i+k:], s[i:i+k]); end >= 0 {
				i += 2*k + end
				continue
			}
			i += k
		case '\\':
			i += 2
		case c:
			k := runLen(s, i, c)
			if k == n && s[i-1] != ' ' && (c == '*' || i+k >= len(s) || !isWordByte(s[i+k])) {
				return i
			}
			i += k
		default:
			i++
		}
	}
	return -1
}

// parseLink parses "[text](dest "title")" at the start of s and returns its
// parts and length.
func parseLink(s string) (text, dest, title string, n int, ok bool) {
	depth := 0
	closeText := -1
	for j := 0; j < len(s) && closeText < 0; j++ {
		switch s[j] {
		case '\\':
			j++
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				closeText = j
			}
		}
	}
	if closeText < 0 || closeText+1 >= len(s) || s[closeText+1] != '(' {
		return "", "", "", 0, false
	}
	depth = 0
	closeDest := -1
	for j := closeText + 1; j < len(s) && closeDest < 0; j++ {
		switch s[j] {
		case '\\':
			j++
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				closeDest = j
			}
		}
	}
	if closeDest < 0 {
		return "", "", "", 0, false
	}
	inner := strings.TrimSpace(s[closeText+2 : closeDest])
	dest = inner
	if k := strings.IndexAny(inner, " \t"); k >= 0 {
		dest = inner[:k]
		rest := strings.TrimSpace(inner[k:])
		if len(rest) >= 2 && (rest[0] == '"' || rest[0] == '\'') && rest[len(rest)-1] == rest[0] {
			title = rest[1 : len(rest)-1]
		}
	}
	dest = strings.TrimSuffix(strings.TrimPrefix(dest, "<"), ">")
	return s[1:closeText], dest, title, closeDest + 1, true
}

// safeURL keeps a link from running script in the exported page.
func safeURL(u string) string {
	scheme, _, found := strings.Cut(strings.ToLower(strings.TrimSpace(u)), ":")
	if found && !strings.ContainsAny(scheme, "/?#") {
		switch scheme {
		case "http", "https", "mailto", "ftp":
		default:
			return "#"
		}
	}
	return u
}

// imageSource resolves an image's source: an attachment becomes a data:
// URI; other sources are kept if safe.
func (m *markdown) imageSource(src string) string {
	if name, ok := strings.CutPrefix(src, "attachment:"); ok {
		for mime, v := range m.attachments[name] {
			if s, ok := v.(string); ok && strings.HasPrefix(mime, "image/") {
				if mime == "image/svg+xml" {
					return dataURI(mime, []byte(s))
				}
				return "data:" + mime + ";base64," + compactBase64(s)
			}
		}
		return ""
	}
	if strings.HasPrefix(strings.ToLower(src), "data:image/") {
		return src
	}
	return safeURL(src)
}
