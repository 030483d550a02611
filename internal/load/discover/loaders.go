package discover

import (
	"context"
	"fmt"

	"github.com/nightlight-sec/nightlight/internal/load"
	"github.com/nightlight-sec/nightlight/internal/load/aws"
	"github.com/nightlight-sec/nightlight/internal/load/azure"
	"github.com/nightlight-sec/nightlight/internal/load/cfn"
	"github.com/nightlight-sec/nightlight/internal/load/firebase"
	"github.com/nightlight-sec/nightlight/internal/load/openwhisk"
	"github.com/nightlight-sec/nightlight/internal/load/sam"
	"github.com/nightlight-sec/nightlight/internal/load/serverless"
	"github.com/nightlight-sec/nightlight/internal/load/terraform"
	"github.com/nightlight-sec/nightlight/internal/model"
)

// LoadFunc loads one unit (a file, a Terraform module directory, an Azure
// Functions project).
type LoadFunc func(ctx context.Context, u load.Unit, opts load.Options) ([]*model.Stack, error)

// one adapts a loader that returns one stack.
func one(fn func(context.Context, load.Unit, load.Options) (*model.Stack, error)) LoadFunc {
	return func(ctx context.Context, u load.Unit, opts load.Options) ([]*model.Stack, error) {
		st, err := fn(ctx, u, opts)
		if st == nil {
			return nil, err
		}
		return []*model.Stack{st}, err
	}
}

// secrets marks the values of the AWS stacks a loader returns that derive
// from a secret (aws.MarkSecrets), whatever the format.
func secrets(fn LoadFunc) LoadFunc {
	return func(ctx context.Context, u load.Unit, opts load.Options) ([]*model.Stack, error) {
		sts, err := fn(ctx, u, opts)
		for _, st := range sts {
			aws.MarkSecrets(st)
		}
		return sts, err
	}
}

// DefaultLoaders returns the loaders for every format nightlight reads.
func DefaultLoaders() map[model.Format]LoadFunc {
	return map[model.Format]LoadFunc{
		model.FormatCloudFormation: secrets(one(cfn.Load)),
		model.FormatSAM:            secrets(one(sam.Load)),
		model.FormatServerless:     secrets(one(serverless.Load)),
		model.FormatTerraform:      secrets(terraform.Load),
		model.FormatTerraformPlan:  secrets(one(loadPlan)),
		model.FormatAzureFunctions: one(azure.Load),
		model.FormatARM:            one(azure.LoadARM),
		model.FormatWskdeploy:      one(openwhisk.Load),
		model.FormatFirebase:       one(firebase.Load),
	}
}

// loadPlan loads a `terraform show -json` plan file.
func loadPlan(ctx context.Context, u load.Unit, opts load.Options) (*model.Stack, error) {
	if len(u.Files) != 1 {
		return nil, fmt.Errorf("terraform plan: want one file, got %d", len(u.Files))
	}
	return terraform.LoadPlan(ctx, u.Files[0], opts)
}
