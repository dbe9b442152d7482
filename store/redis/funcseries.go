package redis

import (
	"context"
	"errors"
	"fmt"

	goredis "github.com/redis/go-redis/v9"

	"github.com/wattson-dev/wattson/store"
)

// Function series keys:
//
//	funcseries:<service>   hash {v: version, data: value}

// FunctionSeries returns the per-service function series kept in this
// store's Redis.
func (s *Store) FunctionSeries() store.FunctionSeries { return funcSeries{s} }

var _ store.FunctionSeriesStore = (*Store)(nil)

// funcSeries implements store.FunctionSeries.
type funcSeries struct{ s *Store }

// saveSeriesLua replaces the value when the stored version is the
// expected one (a missing key is version 0).
//
//	KEYS[1] the hash; ARGV[1] expected version, ARGV[2] value
//
// It returns the new version, or -1 - the stored version when it differs.
const saveSeriesLua = `
local cur = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if cur ~= tonumber(ARGV[1]) then return -1 - cur end
redis.call('HSET', KEYS[1], 'v', cur + 1, 'data', ARGV[2])
return cur + 1
`

// LoadSeries implements store.FunctionSeries.
func (f funcSeries) LoadSeries(ctx context.Context, service string) ([]byte, int64, error) {
	vals, err := f.s.rdb.HMGet(ctx, f.s.keys.key("funcseries", service), "v", "data").Result()
	if err != nil && !errors.Is(err, goredis.Nil) {
		return nil, 0, fmt.Errorf("load function series of %s: %w", service, err)
	}
	if len(vals) != 2 || vals[0] == nil {
		return nil, 0, nil
	}
	var version int64
	if _, err := fmt.Sscan(fmt.Sprint(vals[0]), &version); err != nil {
		return nil, 0, fmt.Errorf("load function series of %s: version %v: %w", service, vals[0], err)
	}
	data, _ := vals[1].(string)
	return []byte(data), version, nil
}

// SaveSeries implements store.FunctionSeries.
func (f funcSeries) SaveSeries(ctx context.Context, service string, data []byte, version int64) (int64, error) {
	n, err := f.s.scripts.saveSeries.Run(ctx, f.s.rdb, []string{f.s.keys.key("funcseries", service)}, version, data).Int64()
	if err != nil {
		return 0, fmt.Errorf("save function series of %s: %w", service, err)
	}
	if n < 0 {
		return 0, fmt.Errorf("save function series of %s: stored version %d, not %d: %w", service, -1-n, version, store.ErrConflict)
	}
	return n, nil
}
