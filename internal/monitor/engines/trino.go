package engines

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	_ "github.com/trinodb/trino-go-client/trino" // registers the "trino" driver
)

// Trino runs queries on a Trino coordinator.
type Trino struct {
	db *sql.DB
}

// NewTrino connects to the Trino server named by dsn
// (http[s]://user@host:port?catalog=…&schema=…).
func NewTrino(dsn string) (*Trino, error) {
	db, err := sql.Open("trino", dsn)
	if err != nil {
		return nil, fmt.Errorf("trino: %w", err)
	}
	return &Trino{db: db}, nil
}

// Close closes the connection pool.
func (t *Trino) Close() error { return t.db.Close() }

// Query runs query and returns its rows as strings.
func (t *Trino) Query(ctx context.Context, query string) ([]string, [][]string, error) {
	rows, err := t.db.QueryContext(ctx, query)
	if err != nil {
		return nil, nil, fmt.Errorf("trino: %w", err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, fmt.Errorf("trino: %w", err)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out [][]string
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, fmt.Errorf("trino: %w", err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = str(v)
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("trino: %w", err)
	}
	return cols, out, nil
}

func str(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []byte:
		return string(v)
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano)
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			parts[i] = str(p)
		}
		return strings.Join(parts, ",")
	default:
		return fmt.Sprint(v)
	}
}
