// Package localserver runs PostgreSQL and Redis servers of the program's own, from the server
// binaries installed on the machine (Debian's postgresql and redis-server packages), in a
// temporary directory and on free ports, and removes them when done: for `asnbot demo` on a
// laptop where no database runs, and for tests that stop and start a service. A missing binary
// is an error that names the package to install.
package localserver

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Server is a private PostgreSQL or Redis. Stop and Start bring it down and up again on the
// same port and data directory; Close kills it and removes its directory.
type Server struct {
	kind string // "postgres" or "redis"
	dir  string // removed at the end
	port int
	url  string

	cmdline func() *exec.Cmd // the server's command on port
	ready   func(ctx context.Context) error
	stopSig syscall.Signal // a clean stop
	killSig syscall.Signal // a stop without a shutdown

	log *tail

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has exited
}

// URL is where the server answers: for PostgreSQL the database "asnbot" (which does not exist
// until storage.Open creates it, as the bot does at its first start); for Redis database 0.
func (s *Server) URL() string { return s.url }

// Port is the server's TCP port on 127.0.0.1.
func (s *Server) Port() int { return s.port }

// Log is what the server printed, for a test's failure message (the last 64 KiB).
func (s *Server) Log() string { return s.log.String() }

// Running tells whether the server process is up.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return false
	}
	select {
	case <-s.exited:
		return false
	default:
		return true
	}
}

// Stop shuts the server down cleanly and waits for it to exit: PostgreSQL's fast shutdown
// (SIGINT: open transactions are rolled back, sessions cut, what was committed is kept),
// Redis's SIGTERM (the append-only file is synced). Doing nothing when it is stopped.
func (s *Server) Stop() error { return s.signal(s.stopSig, 30*time.Second) }

// Kill stops the server without a shutdown, as a crash or an OOM kill would: PostgreSQL's
// immediate shutdown (SIGQUIT: crash recovery at the next start), Redis's SIGKILL (up to the
// last second of writes may be lost, as with appendfsync everysec).
func (s *Server) Kill() error { return s.signal(s.killSig, 30*time.Second) }

// Start starts the stopped server again on the same port and data directory and waits until
// it answers.
func (s *Server) Start() error {
	if s.Running() {
		return fmt.Errorf("private %s on port %d is already running", s.kind, s.port)
	}
	if err := s.start(); err != nil {
		return fmt.Errorf("private %s did not start again on port %d: %w\n%s", s.kind, s.port, err, s.Log())
	}
	return nil
}

// Close kills the server (its data is thrown away: no need to shut down cleanly) and removes
// its directory.
func (s *Server) Close() {
	_ = s.signal(s.killSig, 10*time.Second)
	_ = os.RemoveAll(s.dir)
}

func (s *Server) signal(sig syscall.Signal, wait time.Duration) error {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.mu.Unlock()
	if cmd == nil {
		return nil
	}
	select {
	case <-exited:
		return nil
	default:
	}
	_ = cmd.Process.Signal(sig)
	select {
	case <-exited:
		return nil
	case <-time.After(wait):
	}
	_ = cmd.Process.Kill()
	<-exited
	return fmt.Errorf("private %s did not stop on %v within %v: killed\n%s", s.kind, sig, wait, s.Log())
}

// start runs the server's command and waits until it answers.
func (s *Server) start() error {
	cmd := s.cmdline()
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	s.mu.Lock()
	s.cmd, s.exited = cmd, exited
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for {
		select {
		case <-exited:
			return fmt.Errorf("%s exited at start (%v)", filepath.Base(cmd.Path), cmd.ProcessState)
		default:
		}
		actx, acancel := context.WithTimeout(ctx, 2*time.Second)
		err := s.ready(actx)
		acancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			_ = cmd.Process.Kill()
			<-exited
			return fmt.Errorf("not answering after 60s: %w", err)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// launch starts a new server, on another free port when the one picked was taken meanwhile
// (by another process's server); on failure its directory is removed.
func launch(s *Server) error {
	var err error
	for range 3 {
		if s.port, err = freePort(); err != nil {
			_ = os.RemoveAll(s.dir)
			return fmt.Errorf("no free port for a private %s: %w", s.kind, err)
		}
		if err = s.start(); err == nil {
			return nil
		}
		if !strings.Contains(s.Log(), "in use") {
			break
		}
	}
	_ = os.RemoveAll(s.dir)
	return fmt.Errorf("private %s did not start: %w\n%s", s.kind, err, s.Log())
}

// freePort picks a port that nothing listens on, below the kernel's range of ephemeral ports,
// so that no outgoing connection takes it while the server is stopped.
func freePort() (int, error) {
	low := 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if n, err := strconv.Atoi(f[0]); err == nil && n > 12000 {
				low = n
			}
		}
	}
	var err error
	for range 100 {
		port := 10000 + rand.IntN(low-10000)
		var ln net.Listener
		if ln, err = net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			_ = ln.Close()
			return port, nil
		}
	}
	return 0, err
}

// Postgres starts a PostgreSQL server of our own: a new cluster (superuser "postgres", trust
// authentication, fsync off) in a temporary directory, listening on 127.0.0.1 only. As root,
// initdb and postgres run as the OS user "postgres" (initdb refuses to run as root).
func Postgres() (*Server, error) {
	bin, err := postgresBin()
	if err != nil {
		return nil, err
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root, a private PostgreSQL needs the OS user \"postgres\" (initdb refuses root): %w\n"+
				"Install the Debian package postgresql (apt-get install postgresql), which creates it", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	dir, err := privateDir("asnbot-pg-", cred)
	if err != nil {
		return nil, err
	}
	data, sock := filepath.Join(dir, "data"), filepath.Join(dir, "sock")
	for _, d := range []string{data, sock} {
		if err := os.Mkdir(d, 0o700); err != nil {
			_ = os.RemoveAll(dir)
			return nil, err
		}
		if err := own(d, cred); err != nil {
			_ = os.RemoveAll(dir)
			return nil, err
		}
	}
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "-N")
	asUser(initdb, dir, cred)
	if out, err := initdb.CombinedOutput(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb for a private PostgreSQL: %w\n%s", err, out)
	}
	s := &Server{kind: "postgres", dir: dir, log: &tail{}, stopSig: syscall.SIGINT, killSig: syscall.SIGQUIT}
	s.cmdline = func() *exec.Cmd {
		cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data, "-p", strconv.Itoa(s.port), "-k", sock,
			"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
			"-c", "full_page_writes=off", "-c", "max_connections=200", "-c", "shared_buffers=32MB",
			"-c", "logging_collector=off", "-c", "log_min_messages=warning")
		asUser(cmd, dir, cred)
		return cmd
	}
	s.ready = func(ctx context.Context) error {
		c, err := pgx.Connect(ctx, fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.port))
		if err != nil {
			return err
		}
		return c.Close(ctx)
	}
	if err := launch(s); err != nil {
		return nil, err
	}
	s.url = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/asnbot?sslmode=disable", s.port)
	return s, nil
}

// Redis starts a Redis server of our own, with the append-only file on as in production
// (compose.yaml): state written before a clean stop is there after a start.
func Redis() (*Server, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("redis-server not found in PATH (%w): a private Redis needs it.\n"+
			"Install the Debian package redis-server (apt-get install redis-server)", err)
	}
	dir, err := privateDir("asnbot-redis-", nil)
	if err != nil {
		return nil, err
	}
	s := &Server{kind: "redis", dir: dir, log: &tail{}, stopSig: syscall.SIGTERM, killSig: syscall.SIGKILL}
	s.cmdline = func() *exec.Cmd {
		cmd := exec.Command(bin, "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1", "--dir", dir,
			"--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--daemonize", "no", "--logfile", "",
			"--databases", "16")
		asUser(cmd, dir, nil)
		return cmd
	}
	s.ready = func(ctx context.Context) error { return redisPing(ctx, s.port) }
	if err := launch(s); err != nil {
		return nil, err
	}
	s.url = fmt.Sprintf("redis://127.0.0.1:%d/0", s.port)
	return s, nil
}

// redisPing sends PING and wants PONG (not LOADING, while the append-only file is read).
func redisPing(ctx context.Context, port int) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return err
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "+PONG") {
		return errors.New(strings.TrimSpace(line))
	}
	return nil
}

// postgresBin finds the newest PostgreSQL server binaries: Debian's /usr/lib/postgresql/<n>/bin,
// else initdb and postgres in PATH.
func postgresBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgVersion(dirs[i]) > pgVersion(dirs[j]) })
	for _, d := range dirs {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil && isFile(filepath.Join(filepath.Dir(p), "postgres")) {
		return filepath.Dir(p), nil
	}
	return "", errors.New("the PostgreSQL server binaries (initdb, postgres) are not in /usr/lib/postgresql/*/bin nor in PATH: " +
		"a private PostgreSQL needs them.\nInstall the Debian package postgresql (apt-get install postgresql).")
}

func pgVersion(binDir string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	return v
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

// privateDir makes a temporary directory that cred's user (nil: ours) owns and can reach,
// with our pid in it: a server outlives nothing (see asUser), and the directory of one whose
// process is gone without its cleanup (a test process ended by its timeout) is removed the
// next time a directory is made.
func privateDir(pattern string, cred *syscall.Credential) (string, error) {
	sweep(pattern)
	dir, err := os.MkdirTemp("", pattern)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		_ = os.RemoveAll(dir)
		return "", err
	}
	if err := own(dir, cred); err != nil {
		_ = os.RemoveAll(dir)
		return "", err
	}
	if cred != nil {
		// Another user must be able to walk down to it: every parent needs o+x.
		for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
			fi, err := os.Stat(p)
			if err != nil {
				_ = os.RemoveAll(dir)
				return "", err
			}
			if fi.Mode().Perm()&0o001 == 0 {
				_ = os.RemoveAll(dir)
				return "", fmt.Errorf("the OS user of the private PostgreSQL cannot reach %s: %s is not searchable by others "+
					"(set TMPDIR to a directory under /tmp)", dir, p)
			}
			if p == filepath.Dir(p) {
				break
			}
		}
	}
	return dir, nil
}

// ownerFile holds the pid of the process a private server's directory belongs to.
const ownerFile = "owner.pid"

// sweep removes the directories of pattern whose owning process is gone.
func sweep(pattern string) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), pattern+"*"))
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, ownerFile))
		if err != nil {
			continue // not ours, or being made
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			_ = os.RemoveAll(d)
		}
	}
}

func own(path string, cred *syscall.Credential) error {
	if cred == nil {
		return nil
	}
	return os.Chown(path, int(cred.Uid), int(cred.Gid))
}

// asUser runs cmd in dir, as cred's user when given, and has it killed if this process dies
// without its cleanup (a test binary killed by its timeout).
func asUser(cmd *exec.Cmd, dir string, cred *syscall.Credential) {
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LC_ALL=C", "HOME=" + dir, "TZ=UTC"}
	// Go sets the parent-death signal after the change of user, which would otherwise clear it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL}
}

// tail keeps the last 64 KiB a server printed.
type tail struct {
	mu sync.Mutex
	b  []byte
}

const tailSize = 64 << 10

func (w *tail) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b = append(w.b, p...)
	if len(w.b) > tailSize {
		cut := len(w.b) - tailSize
		if i := bytes.IndexByte(w.b[cut:], '\n'); i >= 0 {
			cut += i + 1
		}
		w.b = append([]byte(nil), w.b[cut:]...)
	}
	return len(p), nil
}

func (w *tail) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.b)
}
