import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface NetworkProps {
  natGateways: number;
  interfaceEndpoints: boolean;
  key: kms.IKey;
  logRetention: logs.RetentionDays;
}

/**
 * Two AZs, public subnets only for the NAT gateway, private subnets for every workload. Traffic to
 * S3 goes through a gateway endpoint; ECR, CloudWatch Logs, SQS, SNS, Secrets Manager and
 * CloudWatch (metrics) through interface endpoints, so images, logs, secrets and notifications
 * stay inside the VPC. The NAT gateway is there for the Temporal server (Temporal Cloud or your
 * cluster) and for the AWS APIs without an endpoint here (Glue, Batch).
 */
export class Network extends Construct {
  readonly vpc: ec2.Vpc;
  readonly endpointSecurityGroup?: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      encryptionKey: props.key,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: props.natGateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        {
          name: 'private',
          subnetType: props.natGateways > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED,
          cidrMask: 20,
        },
      ],
      flowLogs: {
        all: { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup), trafficType: ec2.FlowLogTrafficType.REJECT },
      },
      restrictDefaultSecurityGroup: true,
    });

    this.vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });

    const interfaceEndpoints: Record<string, ec2.InterfaceVpcEndpointAwsService> = {
      EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
      EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
      Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
      Sqs: ec2.InterfaceVpcEndpointAwsService.SQS,
      Sns: ec2.InterfaceVpcEndpointAwsService.SNS,
      SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      Monitoring: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING,
    };
    if (!props.interfaceEndpoints) return;
    const endpointSecurityGroup = (this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSg', {
      vpc: this.vpc,
      description: 'Interface endpoints: HTTPS from inside the VPC only',
      allowAllOutbound: false,
    }));
    endpointSecurityGroup.addIngressRule(ec2.Peer.ipv4(this.vpc.vpcCidrBlock), ec2.Port.tcp(443), 'HTTPS from the VPC');

    for (const [name, service] of Object.entries(interfaceEndpoints)) {
      this.vpc.addInterfaceEndpoint(name, {
        service,
        privateDnsEnabled: true,
        securityGroups: [endpointSecurityGroup],
        subnets: { subnetGroupName: 'private' },
      });
    }
  }

  /** Where workloads run. */
  get privateSubnets(): ec2.SubnetSelection {
    return { subnetGroupName: 'private' };
  }
}
