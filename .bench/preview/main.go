// Command preview times the preview server end to end: from a save of a
// source file to the new bytes served over HTTP, for builds of cmd/build
// run in turns.
//
//	go build -o /tmp/build-new ./cmd/build            # from the repository root
//	cd .bench/preview && go run . -bin /tmp/build-old,/tmp/build-new -repo ../.. -rounds 2
//
// Each round starts each binary in turn with -serve on a fresh copy of the
// repository's content, templates and static files (so the edits never
// touch the repository), waits for its first build, then makes each edit
// and takes it back: a guide paragraph added (its page must show it), an
// action added to an example policy (the example's page and the action's
// page must show it), a template changed (a guide's page must show it).
// A time runs from just before the file is written to the first response
// of every page with the new bytes; the pages are asked for every 5 ms.
// Before each edit the server must be idle (its CPU time still for a
// second), so what it does after the pages (the search index) is not
// counted against the next edit; with -busy, each undo is saved 300 ms
// after its edit was served instead, while the server still makes the
// search index, as when one saves twice in a row. It prints each time
// with the load average, then the median of each edit per binary.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// edit is one edit of the sources, and what the pages show once it is
// served.
type edit struct {
	name  string
	dir   string // content, templates, static
	file  string
	apply func(old string, n int) string
	// pages and what each shows after the edit (n: the edit's number).
	pages []string
	shows func(page string, n int) string
}

var edits = []edit{
	{
		name: "guide", dir: "content", file: "guides/chime/console-access.md",
		apply: func(old string, n int) string { return old + fmt.Sprintf("\n\nAn edited paragraph, number %d.\n", n) },
		pages: []string{"/chime/guides/console-access/"},
		shows: func(_ string, n int) string { return fmt.Sprintf("An edited paragraph, number %d.", n) },
	},
	{
		name: "example", dir: "content", file: "examples/chime-read-only-console.json",
		apply: func(old string, _ int) string {
			return strings.Replace(old, `"chime:ListAccounts"`, `"chime:ListAccounts", "chime:CreateMeeting"`, 1)
		},
		pages: []string{"/examples/chime-read-only-console/", "/chime/CreateMeeting/"},
		shows: func(page string, _ int) string {
			if strings.HasPrefix(page, "/examples/") {
				return "chime:CreateMeeting"
			}
			return "chime-read-only-console/"
		},
	},
	{
		name: "template", dir: "templates", file: "guide.tmpl",
		apply: func(old string, n int) string {
			return strings.Replace(old, `{{define "content"}}`, fmt.Sprintf(`{{define "content"}}<p>edited %d</p>`, n), 1)
		},
		pages: []string{"/chime/guides/console-access/"},
		shows: func(_ string, n int) string { return fmt.Sprintf("<p>edited %d</p>", n) },
	},
}

func main() {
	bins := flag.String("bin", "", "comma-separated builds of cmd/build to time in turns")
	repo := flag.String("repo", "../..", "the repository whose content/, templates/ and static/ are copied")
	rounds := flag.Int("rounds", 1, "rounds: each binary once in each, in turns")
	search := flag.Bool("search", true, "build with the search (-search)")
	only := flag.String("edits", "guide,example,template", "the edits to make")
	logDir := flag.String("log", "", "write each server's log into this directory")
	flag.BoolVar(&busy, "busy", false, "save each undo 300 ms after its edit was served, not once the server is idle")
	flag.Parse()
	if *bins == "" {
		fmt.Fprintln(os.Stderr, "preview: -bin is required")
		os.Exit(2)
	}
	var chosen []edit
	for _, e := range edits {
		if strings.Contains(","+*only+",", ","+e.name+",") {
			chosen = append(chosen, e)
		}
	}
	times := map[string][]time.Duration{} // bin + edit → times
	var order []string
	for r := 1; r <= *rounds; r++ {
		for _, bin := range strings.Split(*bins, ",") {
			res, err := session(bin, *repo, *search, *logDir, r, chosen)
			if err != nil {
				fmt.Fprintf(os.Stderr, "preview: round %d, %s: %v\n", r, bin, err)
				os.Exit(1)
			}
			for _, x := range res {
				k := bin + "\t" + x.edit
				if _, ok := times[k]; !ok {
					order = append(order, k)
				}
				times[k] = append(times[k], x.d)
			}
		}
	}
	fmt.Println("\nmedians (binary, edit, median, times):")
	for _, k := range order {
		ds := times[k]
		s := append([]time.Duration(nil), ds...)
		sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
		var all []string
		for _, d := range ds {
			all = append(all, fmt.Sprintf("%.3f", d.Seconds()))
		}
		fmt.Printf("%s\t%.3f s\t%s\n", k, s[len(s)/2].Seconds(), strings.Join(all, " "))
	}
}

type result struct {
	edit string
	d    time.Duration
}

// session runs one binary's server on a fresh copy of the sources and
// times each edit and its undoing.
func session(bin, repo string, search bool, logDir string, round int, chosen []edit) ([]result, error) {
	tmp, err := os.MkdirTemp("", "iamref-preview-harness-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	for _, d := range []string{"content", "templates", "static"} {
		if err := copyTree(filepath.Join(repo, d), filepath.Join(tmp, d)); err != nil {
			return nil, err
		}
	}
	args := []string{"-serve", "127.0.0.1:0", "-content", filepath.Join(tmp, "content"),
		"-templates", filepath.Join(tmp, "templates"), "-static", filepath.Join(tmp, "static")}
	if !search {
		args = append(args, "-search=false")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = tmp // it builds into .cache/preview there
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	var logw io.Writer = io.Discard
	if logDir != "" {
		f, err := os.Create(filepath.Join(logDir, fmt.Sprintf("round%d-%s.log", round, filepath.Base(bin))))
		if err != nil {
			return nil, err
		}
		defer f.Close()
		logw = f
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	defer func() {
		cancel()
		_ = cmd.Wait()
	}()
	serving := make(chan string, 1)
	failed := make(chan string, 1) // a rebuild failed: what the edit waits for never comes
	go func() {
		re := regexp.MustCompile(`serving .* on (http://[^/]+)/`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			fmt.Fprintln(logw, sc.Text())
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				serving <- m[1]
			}
			if strings.HasPrefix(sc.Text(), "rebuild failed") {
				select {
				case failed <- sc.Text():
				default:
				}
			}
		}
	}()
	var base string
	select {
	case base = <-serving:
	case <-time.After(30 * time.Minute):
		return nil, errors.New("not serving after 30 min")
	}
	fmt.Printf("round %d %s: first build %.1f s (load %s)\n", round, filepath.Base(bin), time.Since(start).Seconds(), load())
	client := &http.Client{Timeout: time.Minute}
	get := func(p string) (string, error) {
		resp, err := client.Get(base + p)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return string(b), err
	}
	var res []result
	n := round * 100
	for _, e := range chosen {
		file := filepath.Join(tmp, e.dir, filepath.FromSlash(e.file))
		orig, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		for _, undo := range []bool{false, true} {
			n++
			data := e.apply(string(orig), n)
			if undo {
				data = string(orig)
			}
			if data == string(orig) && !undo {
				return nil, fmt.Errorf("%s: the edit changes nothing in %s", e.name, e.file)
			}
			if busy && undo {
				time.Sleep(300 * time.Millisecond)
			} else if err := idle(cmd.Process.Pid); err != nil {
				return nil, err
			}
			l := load()
			t0 := time.Now()
			if err := os.WriteFile(file, []byte(data), 0o644); err != nil {
				return nil, err
			}
			for _, p := range e.pages {
				want := e.shows(p, n-1) // what the edit showed, gone on undo
				if !undo {
					want = e.shows(p, n)
				}
				for {
					body, err := get(p)
					if err != nil {
						return nil, err
					}
					if strings.Contains(body, want) != undo {
						break
					}
					if time.Since(t0) > 20*time.Minute {
						return nil, fmt.Errorf("%s: %s not served within 20 min", e.name, p)
					}
					select {
					case msg := <-failed:
						return nil, fmt.Errorf("%s: %s", e.name, msg)
					default:
					}
					time.Sleep(5 * time.Millisecond)
				}
			}
			d := time.Since(t0)
			what := "edit"
			if undo {
				what = "undo"
			}
			fmt.Printf("round %d %s: %s %s served in %.3f s (load %s before)\n", round, filepath.Base(bin), e.name, what, d.Seconds(), l)
			res = append(res, result{e.name, d})
		}
	}
	return res, idle(cmd.Process.Pid)
}

// busy: the undos do not wait for the server to be idle (-busy).
var busy bool

// idle waits until the process used less than 20 ms of CPU in a second.
func idle(pid int) error {
	prev, err := cpuTime(pid)
	if err != nil {
		return err
	}
	for deadline := time.Now().Add(30 * time.Minute); time.Now().Before(deadline); {
		time.Sleep(time.Second)
		now, err := cpuTime(pid)
		if err != nil {
			return err
		}
		if now-prev < 20*time.Millisecond {
			return nil
		}
		prev = now
	}
	return errors.New("the server never went idle")
}

// cpuTime is the user and system time of a process (Linux: /proc).
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100, nil // USER_HZ
}

// load is the one-minute load average.
func load() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

// copyTree copies the files under src into dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if filepath.Ext(p) == ".go" {
			return nil // templates/embed.go, static/embed.go
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}
