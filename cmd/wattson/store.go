package main

import (
	"context"
	"fmt"

	"github.com/wattson-dev/wattson/store/bolt"
)

// cmdStore checks or backs up an embedded store file; see README
// "Backups and recovery".
func cmdStore(_ context.Context, args []string, e *env) error {
	fs := newFlagSet("store", e)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch a := fs.Args(); {
	case len(a) == 2 && a[0] == "check":
		if err := bolt.Check(a[1]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: ok\n", a[1])
		return nil
	case len(a) == 3 && a[0] == "backup":
		if err := bolt.BackupFile(a[1], a[2]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: backed up to %s\n", a[1], a[2])
		return nil
	}
	return usageErrorf("store: want 'check FILE' or 'backup FILE DEST'")
}
