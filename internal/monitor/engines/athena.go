// Package engines runs the monitor's SQL where large organisations keep
// their CloudTrail logs: Amazon Athena (aws-sdk-go-v2) and Trino
// (trino-go-client). Both implement monitor.Querier; the SQL they run is
// monitor.Wrap(monitor.ViewSQL(engine, table, since)) around each detection.
package engines

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/athena/types"
)

// AthenaOptions configure the Athena engine.
type AthenaOptions struct {
	// Database and Table name the CloudTrail table; Workgroup the Athena
	// workgroup; OutputLocation the s3:// result location when the
	// workgroup sets none.
	Database, Table, Workgroup, OutputLocation string
	// Region overrides the AWS configuration's region.
	Region string
	// Endpoint overrides the Athena endpoint (tests, VPC endpoints).
	Endpoint string
	// Poll is the interval between status checks (0: 1s).
	Poll time.Duration
}

// AthenaAPI is the part of the Athena client the engine uses.
type AthenaAPI interface {
	StartQueryExecution(ctx context.Context, in *athena.StartQueryExecutionInput, opts ...func(*athena.Options)) (*athena.StartQueryExecutionOutput, error)
	GetQueryExecution(ctx context.Context, in *athena.GetQueryExecutionInput, opts ...func(*athena.Options)) (*athena.GetQueryExecutionOutput, error)
	GetQueryResults(ctx context.Context, in *athena.GetQueryResultsInput, opts ...func(*athena.Options)) (*athena.GetQueryResultsOutput, error)
	StopQueryExecution(ctx context.Context, in *athena.StopQueryExecutionInput, opts ...func(*athena.Options)) (*athena.StopQueryExecutionOutput, error)
}

// Athena runs queries on Amazon Athena.
type Athena struct {
	API  AthenaAPI
	Opts AthenaOptions
}

// NewAthena returns an Athena engine with credentials and region from the
// standard AWS configuration (environment, shared files, SSO, instance
// role).
func NewAthena(ctx context.Context, opts AthenaOptions) (*Athena, error) {
	var lo []func(*config.LoadOptions) error
	if opts.Region != "" {
		lo = append(lo, config.WithRegion(opts.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, lo...)
	if err != nil {
		return nil, fmt.Errorf("athena: AWS configuration: %w", err)
	}
	client := athena.NewFromConfig(cfg, func(o *athena.Options) {
		if opts.Endpoint != "" {
			o.BaseEndpoint = aws.String(opts.Endpoint)
		}
	})
	return &Athena{API: client, Opts: opts}, nil
}

// Query runs sql and returns its rows as strings, waiting for the query to
// finish (and stopping it when ctx is cancelled).
func (a *Athena) Query(ctx context.Context, sql string) ([]string, [][]string, error) {
	in := &athena.StartQueryExecutionInput{QueryString: aws.String(sql)}
	if a.Opts.Database != "" {
		in.QueryExecutionContext = &types.QueryExecutionContext{Database: aws.String(a.Opts.Database)}
	}
	if a.Opts.Workgroup != "" {
		in.WorkGroup = aws.String(a.Opts.Workgroup)
	}
	if a.Opts.OutputLocation != "" {
		in.ResultConfiguration = &types.ResultConfiguration{OutputLocation: aws.String(a.Opts.OutputLocation)}
	}
	start, err := a.API.StartQueryExecution(ctx, in)
	if err != nil {
		return nil, nil, fmt.Errorf("athena: start query: %w", err)
	}
	id := start.QueryExecutionId
	poll := a.Opts.Poll
	if poll <= 0 {
		poll = time.Second
	}
	for {
		st, err := a.API.GetQueryExecution(ctx, &athena.GetQueryExecutionInput{QueryExecutionId: id})
		if err != nil {
			return nil, nil, fmt.Errorf("athena: query %s: %w", aws.ToString(id), err)
		}
		var state types.QueryExecutionState
		reason := ""
		if st.QueryExecution != nil && st.QueryExecution.Status != nil {
			state = st.QueryExecution.Status.State
			reason = aws.ToString(st.QueryExecution.Status.StateChangeReason)
		}
		switch state {
		case types.QueryExecutionStateSucceeded:
			return a.results(ctx, id)
		case types.QueryExecutionStateFailed, types.QueryExecutionStateCancelled:
			return nil, nil, fmt.Errorf("athena: query %s %s: %s", aws.ToString(id), state, reason)
		}
		select {
		case <-ctx.Done():
			_, _ = a.API.StopQueryExecution(context.WithoutCancel(ctx), &athena.StopQueryExecutionInput{QueryExecutionId: id})
			return nil, nil, ctx.Err()
		case <-time.After(poll):
		}
	}
}

func (a *Athena) results(ctx context.Context, id *string) ([]string, [][]string, error) {
	var cols []string
	var rows [][]string
	var token *string
	first := true
	for {
		out, err := a.API.GetQueryResults(ctx, &athena.GetQueryResultsInput{QueryExecutionId: id, NextToken: token})
		if err != nil {
			return nil, nil, fmt.Errorf("athena: results of %s: %w", aws.ToString(id), err)
		}
		if out.ResultSet == nil {
			return nil, nil, errors.New("athena: no result set")
		}
		if cols == nil && out.ResultSet.ResultSetMetadata != nil {
			for _, c := range out.ResultSet.ResultSetMetadata.ColumnInfo {
				cols = append(cols, aws.ToString(c.Name))
			}
		}
		for i, r := range out.ResultSet.Rows {
			if first && i == 0 {
				continue // the header row
			}
			row := make([]string, len(r.Data))
			for j, d := range r.Data {
				row[j] = aws.ToString(d.VarCharValue)
			}
			rows = append(rows, row)
		}
		first = false
		if out.NextToken == nil {
			return cols, rows, nil
		}
		token = out.NextToken
	}
}
