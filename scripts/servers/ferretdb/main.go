// Command ferretdb runs an embedded FerretDB (SQLite backend) for monarch's tests.
//
// It listens on -listen (port 0 picks a free port), stores data under -data,
// prints the MongoDB URI on one stdout line once the listener is bound, and
// exits cleanly on SIGTERM or SIGINT. Only warnings and errors are logged,
// to stderr.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "TCP address to listen on (port 0 picks a free port)")
	data := flag.String("data", "", "directory holding the SQLite databases (required)")
	logLevel := flag.String("log-level", "warn", "minimum log level: debug, info, warn or error")
	flag.Parse()

	if err := run(*listen, *data, *logLevel); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}
}

// run starts FerretDB and blocks until a termination signal arrives.
func run(listen, data, logLevel string) error {
	if data == "" {
		return fmt.Errorf("-data is required")
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("bad -log-level %q: %w", logLevel, err)
	}

	dir, err := filepath.Abs(data)
	if err != nil {
		return err
	}

	if err = os.MkdirAll(dir, 0o755); err != nil {
		return err
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		return err
	}

	// New has already bound the listener, so the URI carries the real port.
	fmt.Println(f.MongoDBURI())

	return f.Run(ctx)
}
