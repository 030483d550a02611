package cfn

import (
	"strings"

	"github.com/nightlight-sec/nightlight/internal/model"
)

// storeKinds maps resource types to the store kind they become.
var storeKinds = map[string]model.StoreKind{
	"AWS::DynamoDB::Table":                 model.StoreTable,
	"AWS::DynamoDB::GlobalTable":           model.StoreTable,
	"AWS::S3::Bucket":                      model.StoreBucket,
	"AWS::SQS::Queue":                      model.StoreQueue,
	"AWS::SNS::Topic":                      model.StoreTopic,
	"AWS::Kinesis::Stream":                 model.StoreStream,
	"AWS::KinesisFirehose::DeliveryStream": model.StoreStream,
	"AWS::Events::EventBus":                model.StoreEventBus,
	"AWS::StepFunctions::StateMachine":     model.StoreStateMachine,
	"AWS::SecretsManager::Secret":          model.StoreSecret,
	"AWS::SSM::Parameter":                  model.StoreParameter,
	"AWS::KMS::Key":                        model.StoreKey,
	"AWS::Logs::LogGroup":                  model.StoreLogGroup,
	"AWS::Cognito::UserPool":               model.StoreUserPool,
	"AWS::RDS::DBCluster":                  model.StoreDatabase,
	"AWS::RDS::DBInstance":                 model.StoreDatabase,
	"AWS::DocDB::DBCluster":                model.StoreDatabase,
	"AWS::Neptune::DBCluster":              model.StoreDatabase,
	"AWS::ElastiCache::CacheCluster":       model.StoreCache,
	"AWS::ElastiCache::ReplicationGroup":   model.StoreCache,
	"AWS::ElastiCache::ServerlessCache":    model.StoreCache,
	"AWS::EFS::FileSystem":                 model.StoreFileSystem,
	"AWS::OpenSearchService::Domain":       model.StoreSearch,
	"AWS::Elasticsearch::Domain":           model.StoreSearch,
	"AWS::Timestream::Table":               model.StoreTable,
	"AWS::MSK::Cluster":                    model.StoreStream,
	"AWS::AmazonMQ::Broker":                model.StoreQueue,
}

// StoreKind returns the store kind of a CloudFormation resource type.
func StoreKind(typ string) (model.StoreKind, bool) {
	k, ok := storeKinds[typ]
	return k, ok
}

// Classification tag keys, in order of preference.
var classificationTags = []string{"DataClassification", "data-classification", "data_classification", "Classification", "classification", "nightlight:classification"}

// ClassificationOf returns the data classification from tags, or "".
func ClassificationOf(tags []model.Tag) string {
	for _, want := range classificationTags {
		for _, tg := range tags {
			if tg.Key == want && tg.Value.IsResolved() {
				return strings.ToLower(tg.Value.String())
			}
		}
	}
	return ""
}

func (t *Template) store(r *RawResource, kind model.StoreKind) {
	r.Handled = true
	p := r.Properties
	st := &model.Store{ID: r.ID, Pos: r.Pos, Kind: kind, Type: r.Type, Tags: Tags(p.Get("Tags"))}
	st.Classification = ClassificationOf(st.Tags)
	st.Encryption = model.Encryption{Kind: model.EncryptionAWSOwned, Pos: r.Pos}
	switch r.Type {
	case "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable":
		st.Name = p.Get("TableName")
		sse := p.Get("SSESpecification")
		if on, _ := sse.Get("SSEEnabled").AsBool(); on {
			st.Encryption = keyEncryption(sse.Get("KMSMasterKeyId"), sse.Pos)
			if st.Encryption.Kind == model.EncryptionAWSOwned {
				st.Encryption = model.Encryption{Kind: model.EncryptionAWSManaged, Pos: sse.Pos}
			}
		}
		st.SetAttr(model.AttrStreamViewType, p.Path("StreamSpecification", "StreamViewType"))
		st.SetAttr(model.AttrPointInTimeRecovery, p.Path("PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"))
		st.SetAttr(model.AttrDeletionProtection, p.Get("DeletionProtectionEnabled"))
		st.SetAttr(model.AttrBillingMode, p.Get("BillingMode"))
	case "AWS::S3::Bucket":
		st.Name = p.Get("BucketName")
		t.bucket(r, st)
	case "AWS::SQS::Queue":
		st.Name = p.Get("QueueName")
		st.SetAttr(model.AttrVisibilityTimeout, p.Get("VisibilityTimeout"))
		switch {
		case p.Get("KmsMasterKeyId").IsSet():
			st.Encryption = keyEncryption(p.Get("KmsMasterKeyId"), r.Pos)
		case p.Has("SqsManagedSseEnabled"):
			if on, ok := p.Get("SqsManagedSseEnabled").AsBool(); ok && !on {
				st.Encryption = model.Encryption{Kind: model.EncryptionNone, Pos: p.Get("SqsManagedSseEnabled").PosOr(r.Pos)}
			}
		}
		st.SetAttr(model.AttrRedriveTarget, p.Path("RedrivePolicy", "deadLetterTargetArn"))
		st.SetAttr(model.AttrMaxReceiveCount, p.Path("RedrivePolicy", "maxReceiveCount"))
		st.SetAttr(model.AttrFIFO, p.Get("FifoQueue"))
	case "AWS::SNS::Topic":
		st.Name = p.Get("TopicName")
		st.Encryption = model.Encryption{Kind: model.EncryptionNone, Pos: r.Pos}
		if k := p.Get("KmsMasterKeyId"); k.IsSet() {
			st.Encryption = keyEncryption(k, k.Pos)
		}
		st.SetAttr(model.AttrFIFO, p.Get("FifoTopic"))
		for i, sub := range p.Get("Subscription").Elems() {
			if strings.EqualFold(sub.Get("Protocol").String(), "lambda") {
				if fid := t.FunctionRef(sub.Get("Endpoint")); fid != "" {
					t.Stack.Triggers = append(t.Stack.Triggers, &model.Trigger{ID: r.ID + "/Subscription/" + itoa(i), Pos: sub.Pos,
						Kind: model.TriggerSNS, Function: fid, Source: r.ID})
				}
			}
		}
	case "AWS::Kinesis::Stream":
		st.Name = p.Get("Name")
		st.Encryption = model.Encryption{Kind: model.EncryptionNone, Pos: r.Pos}
		if se := p.Get("StreamEncryption"); se.IsSet() {
			st.Encryption = keyEncryption(se.Get("KeyId"), se.Pos)
		}
	case "AWS::KinesisFirehose::DeliveryStream":
		st.Name = p.Get("DeliveryStreamName")
		if k := p.Path("DeliveryStreamEncryptionConfigurationInput", "KeyARN"); k.IsSet() {
			st.Encryption = keyEncryption(k, k.Pos)
		}
	case "AWS::Events::EventBus":
		st.Name = p.Get("Name")
		if k := p.Get("KmsKeyIdentifier"); k.IsSet() {
			st.Encryption = keyEncryption(k, k.Pos)
		}
	case "AWS::StepFunctions::StateMachine":
		st.Name = p.Get("StateMachineName")
		st.SetAttr(model.AttrStateMachineType, p.Get("StateMachineType"))
		def := p.Get("Definition")
		if !def.IsSet() {
			def = p.Get("DefinitionString")
		}
		if subs := p.Get("DefinitionSubstitutions"); subs.IsSet() && def.IsSet() {
			def = withRefs(def, subs.AllRefs())
		}
		st.SetAttr(model.AttrDefinition, def)
		st.SetAttr(model.AttrLoggingConfig, p.Get("LoggingConfiguration"))
		st.SetAttr(model.AttrTracing, p.Path("TracingConfiguration", "Enabled"))
		if k := p.Path("EncryptionConfiguration", "KmsKeyId"); k.IsSet() {
			st.Encryption = keyEncryption(k, k.Pos)
		}
	case "AWS::SecretsManager::Secret":
		st.Name = p.Get("Name")
		st.Encryption = model.Encryption{Kind: model.EncryptionAWSManaged, Pos: r.Pos}
		if k := p.Get("KmsKeyId"); k.IsSet() {
			st.Encryption = keyEncryption(k, k.Pos)
		}
		st.SetAttr(model.AttrParameterValue, p.Get("SecretString"))
	case "AWS::SSM::Parameter":
		st.Name = p.Get("Name")
		st.Encryption = model.Encryption{Kind: model.EncryptionNone, Pos: r.Pos}
		if strings.EqualFold(p.Get("Type").String(), "SecureString") {
			st.Encryption = model.Encryption{Kind: model.EncryptionAWSManaged, Pos: p.Get("Type").PosOr(r.Pos)}
			st.SetAttr(model.AttrSecureString, model.NewBool(true, p.Get("Type").PosOr(r.Pos)))
		}
		st.SetAttr(model.AttrParameterValue, p.Get("Value"))
	case "AWS::KMS::Key":
		st.Encryption = model.Encryption{Kind: model.EncryptionCustomer, Pos: r.Pos}
		st.SetAttr(model.AttrRotation, p.Get("EnableKeyRotation"))
		st.SetAttr(model.AttrKeySpec, p.Get("KeySpec"))
		if doc := p.Get("KeyPolicy"); doc.IsSet() {
			rp := &model.ResourcePolicy{ID: r.ID + "/KeyPolicy", Pos: doc.Pos, Kind: model.RPKey, Targets: []string{r.ID}, Doc: PolicyDocument(r.ID+" key policy", model.PolicyResource, doc)}
			st.Policy = rp.Doc
			t.Stack.ResourcePolicies = append(t.Stack.ResourcePolicies, rp)
		}
	case "AWS::Logs::LogGroup":
		st.Name = p.Get("LogGroupName")
		if k := p.Get("KmsKeyId"); k.IsSet() {
			st.Encryption = keyEncryption(k, k.Pos)
		}
		st.SetAttr(model.AttrRetentionDays, p.Get("RetentionInDays"))
	case "AWS::Cognito::UserPool":
		st.Name = p.Get("UserPoolName")
		t.userPool(r)
	case "AWS::RDS::DBCluster", "AWS::RDS::DBInstance", "AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster":
		st.Name = p.Get("DBClusterIdentifier")
		st.Encryption = model.Encryption{Kind: model.EncryptionNone, Pos: r.Pos}
		if on, _ := p.Get("StorageEncrypted").AsBool(); on || r.Type == "AWS::DocDB::DBCluster" && !p.Has("StorageEncrypted") {
			st.Encryption = keyEncryption(p.Get("KmsKeyId"), p.Get("StorageEncrypted").PosOr(r.Pos))
			if st.Encryption.Kind == model.EncryptionAWSOwned {
				st.Encryption.Kind = model.EncryptionAWSManaged
			}
		}
		if c := p.Get("DBClusterIdentifier"); r.Type == "AWS::RDS::DBInstance" && c.IsSet() {
			// A cluster member's storage is the cluster's: its
			// encryption is the cluster's StorageEncrypted (an
			// unencrypted cluster is reported on the cluster).
			st.Encryption = model.Encryption{Kind: model.EncryptionUnknown, Pos: c.PosOr(r.Pos)}
			t.afterGroups = append(t.afterGroups, func() {
				for _, id := range c.AllRefs() {
					if cl := t.Stack.Store(id); cl != nil && cl.Kind == model.StoreDatabase && cl != st && cl.Encryption.Kind != model.EncryptionNone {
						st.Encryption = cl.Encryption
						return
					}
				}
			})
		}
		st.SetAttr(model.AttrDeletionProtection, p.Get("DeletionProtection"))
		st.SetAttr(model.AttrPublic, p.Get("PubliclyAccessible"))
	case "AWS::EFS::FileSystem":
		st.Encryption = model.Encryption{Kind: model.EncryptionNone, Pos: r.Pos}
		if on, _ := p.Get("Encrypted").AsBool(); on {
			st.Encryption = keyEncryption(p.Get("KmsKeyId"), p.Get("Encrypted").PosOr(r.Pos))
			if st.Encryption.Kind == model.EncryptionAWSOwned {
				st.Encryption.Kind = model.EncryptionAWSManaged
			}
		}
	}
	t.Stack.Stores = append(t.Stack.Stores, st)
}

// withRefs returns a copy of v whose Refs include refs (a state machine's
// DefinitionSubstitutions refer to the functions its definition invokes).
func withRefs(v *model.Value, refs []string) *model.Value {
	c := *v
	c.Refs = model.SortedUnique(append(append([]string{}, v.Refs...), refs...))
	return &c
}

func (t *Template) bucket(r *RawResource, st *model.Store) {
	p := r.Properties
	if rules := p.Path("BucketEncryption", "ServerSideEncryptionConfiguration"); rules.IsSet() {
		for _, rule := range rules.Elems() {
			d := rule.Get("ServerSideEncryptionByDefault")
			alg := d.Get("SSEAlgorithm").String()
			switch {
			case strings.HasPrefix(alg, "aws:kms"):
				st.Encryption = keyEncryption(d.Get("KMSMasterKeyID"), d.PosOr(r.Pos))
				if st.Encryption.Kind == model.EncryptionAWSOwned {
					st.Encryption = model.Encryption{Kind: model.EncryptionAWSManaged, Pos: d.PosOr(r.Pos)}
				}
			case alg == "AES256":
				st.Encryption = model.Encryption{Kind: model.EncryptionAWSOwned, Pos: d.Pos}
			}
		}
	}
	st.SetAttr(model.AttrVersioning, p.Path("VersioningConfiguration", "Status"))
	pab := p.Get("PublicAccessBlockConfiguration")
	st.SetAttr(model.AttrBlockPublicACLs, pab.Get("BlockPublicAcls"))
	st.SetAttr(model.AttrBlockPublicPolicy, pab.Get("BlockPublicPolicy"))
	st.SetAttr(model.AttrIgnorePublicACLs, pab.Get("IgnorePublicAcls"))
	st.SetAttr(model.AttrRestrictPublicBuckets, pab.Get("RestrictPublicBuckets"))
	st.SetAttr(model.AttrACL, model.CannedACL(p.Get("AccessControl")))
	st.SetAttr(model.AttrWebsite, p.Get("WebsiteConfiguration"))
	st.SetAttr(model.AttrLogging, p.Get("LoggingConfiguration"))
	for i, lc := range p.Path("NotificationConfiguration", "LambdaConfigurations").Elems() {
		fid := t.FunctionRef(lc.Get("Function"))
		if fid == "" {
			continue
		}
		t.Stack.Triggers = append(t.Stack.Triggers, &model.Trigger{ID: r.ID + "/LambdaConfigurations/" + itoa(i), Pos: lc.Pos,
			Kind: model.TriggerS3, Function: fid, Source: r.ID, Events: lc.Get("Event").AsStrings(), Filter: lc.Get("Filter")})
	}
}
