import { createHash } from "node:crypto";
import { providerRegions } from "../../components/config/regions";

/** The stand-in account has enabled every region but one opt-in region: me-south-1 (Bahrain). */
export const regionNotEnabled = "me-south-1";

/**
 * What the mock clouds answer: outputs a real provider computes (ids, ARNs, addresses, emails),
 * made deterministic from the resource's name so that two runs of the same config print the same plan.
 */

const account = "123456789012";

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A stable private address for a named resource: 10.<a>.<b>.<c>, never .0/.255. */
export function fakeAddress(name: string, prefix = "10"): string {
  const h = hash(name);
  const octet = (i: number, min = 0) => min + (parseInt(h.slice(i * 2, i * 2 + 2), 16) % (254 - min));
  return `${prefix}.${octet(0, 100)}.${octet(1)}.${octet(2, 4)}`;
}

export function fakePublicAddress(name: string): string {
  // 198.51.100.0/24 is TEST-NET-2: documentation only, never routed.
  return `198.51.100.${4 + (parseInt(hash(name).slice(0, 2), 16) % 250)}`;
}

type State = Record<string, unknown>;

/** Computed outputs by resource type; inputs pass through as the provider would echo them. */
export function computedState(type: string, name: string, inputs: State, region: string): State {
  const suffix = hash(name).slice(0, 7);
  const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${account}:${resource}`;
  switch (type) {
    case "aws:ec2/instance:Instance":
      return { privateIp: inputs.privateIp ?? fakeAddress(name), publicIp: "", arn: arn("ec2", `instance/i-${suffix}`) };
    case "aws:ec2/eip:Eip":
      return { publicIp: fakePublicAddress(name), allocationId: `eipalloc-${suffix}` };
    case "aws:ec2/vpc:Vpc":
      return { arn: arn("ec2", `vpc/vpc-${suffix}`), mainRouteTableId: `rtb-${suffix}`, defaultSecurityGroupId: `sg-${suffix}` };
    case "aws:rds/instance:Instance":
      return {
        address: `${inputs.identifier ?? name}.${suffix}.${region}.rds.amazonaws.com`,
        endpoint: `${inputs.identifier ?? name}.${suffix}.${region}.rds.amazonaws.com:5432`,
        port: inputs.port ?? 5432,
        arn: arn("rds", `db:${name}`),
      };
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2": {
      const bucket = inputs.bucket ?? `${inputs.bucketPrefix ?? name}${suffix}`;
      return { bucket, arn: `arn:aws:s3:::${String(bucket)}`, bucketRegionalDomainName: `${String(bucket)}.s3.${region}.amazonaws.com` };
    }
    case "aws:rds/parameterGroup:ParameterGroup":
    case "aws:rds/subnetGroup:SubnetGroup":
      // Autonamed by the provider; the instance refers to them by this name.
      return { name: inputs.name ?? `${name}-${suffix}`, arn: arn("rds", `${type.includes("parameter") ? "pg" : "subgrp"}:${name}`) };
    case "aws:iam/role:Role":
      return { arn: `arn:aws:iam::${account}:role/${name}`, name: inputs.name ?? `${name}-${suffix}` };
    case "aws:iam/instanceProfile:InstanceProfile":
      return { arn: `arn:aws:iam::${account}:instance-profile/${name}`, name: inputs.name ?? `${name}-${suffix}` };
    case "aws:iam/policy:Policy":
      return { arn: `arn:aws:iam::${account}:policy/${name}`, name: inputs.name ?? `${name}-${suffix}` };
    case "aws:ssm/parameter:Parameter":
      // A new value is a new version, as on AWS (a counter there; derived from the value here).
      return { arn: arn("ssm", `parameter${String(inputs.name ?? `/${name}`)}`), version: revisionOf(inputs.value) };
    case "aws:route53/zone:Zone":
      return { zoneId: `Z${suffix.toUpperCase()}`, arn: `arn:aws:route53:::hostedzone/Z${suffix.toUpperCase()}` };
    case "aws:datasync/locationObjectStorage:LocationObjectStorage":
    case "aws:datasync/s3Location:S3Location":
      return { arn: arn("datasync", `location/loc-${suffix}`) };
    case "aws:datasync/task:Task":
      return { arn: arn("datasync", `task/task-${suffix}`) };
    case "aws:kms/key:Key":
      return { arn: arn("kms", `key/${suffix}`), keyId: suffix };
    case "gcp:compute/instance:Instance": {
      const nics = Array.isArray(inputs.networkInterfaces) ? (inputs.networkInterfaces as State[]) : [];
      return {
        networkInterfaces: nics.map((nic, i) => ({ ...nic, networkIp: nic.networkIp ?? fakeAddress(`${name}-${i}`) })),
        selfLink: `https://www.googleapis.com/compute/v1/projects/p/zones/${String(inputs.zone)}/instances/${name}`,
        instanceId: String(parseInt(suffix, 16)),
      };
    }
    case "gcp:compute/address:Address":
      return {
        address: inputs.addressType === "INTERNAL" ? fakeAddress(name) : fakePublicAddress(name),
        selfLink: `https://www.googleapis.com/compute/v1/${name}`,
      };
    case "gcp:compute/healthCheck:HealthCheck":
      return { selfLink: `https://www.googleapis.com/compute/v1/projects/p/global/healthChecks/${name}` };
    case "gcp:compute/network:Network":
    case "gcp:compute/subnetwork:Subnetwork":
    case "gcp:compute/globalAddress:GlobalAddress":
    case "gcp:compute/router:Router":
      return { selfLink: `https://www.googleapis.com/compute/v1/projects/p/${name}`, name: inputs.name ?? `${name}-${suffix}` };
    case "gcp:serviceaccount/account:Account":
      return {
        email: `${String(inputs.accountId ?? name)}@p.iam.gserviceaccount.com`,
        name: `projects/p/serviceAccounts/${name}`,
        member: `serviceAccount:${String(inputs.accountId ?? name)}@p.iam.gserviceaccount.com`,
      };
    case "gcp:sql/databaseInstance:DatabaseInstance":
      return {
        name: inputs.name ?? `${name}-${suffix}`,
        privateIpAddress: fakeAddress(name, "10"),
        connectionName: `p:${String(inputs.region)}:${name}`,
        publicIpAddress: "",
        // What Cloud SQL reports: the instance's own server CA (a stand-in PEM here).
        serverCaCerts: [
          { cert: fakeCertificate(name), commonName: "C=US,O=Google\\, Inc,CN=Google Cloud SQL Server CA", sha1Fingerprint: hash(name) },
        ],
      };
    case "gcp:storage/bucket:Bucket":
      return { name: inputs.name ?? `${name}-${suffix}`, url: `gs://${String(inputs.name ?? `${name}-${suffix}`)}` };
    case "gcp:secretmanager/secret:Secret":
      return { name: `projects/p/secrets/${String(inputs.secretId ?? name)}` };
    case "gcp:secretmanager/secretVersion:SecretVersion":
      return {
        name: `${String(inputs.secret ?? name)}/versions/${revisionOf(inputs.secretData)}`,
        version: String(revisionOf(inputs.secretData)),
      };
    case "gcp:dns/managedZone:ManagedZone":
      return { name: inputs.name ?? `${name}-${suffix}` };
    case "gcp:storage/hmacKey:HmacKey":
      return { accessId: `GOOG1E${suffix.toUpperCase()}`, secret: fakeSecret(name, 40) };
    case "gcp:storage/transferJob:TransferJob":
      return { name: `transferJobs/${suffix}` };
    case "random:index/randomPassword:RandomPassword":
    case "random:index/randomString:RandomString":
      return { result: fakeSecret(name, Number(inputs.length ?? 32)) };
    case "random:index/randomId:RandomId":
      return { hex: suffix, b64Url: suffix };
    default:
      return {};
  }
}

/** A PEM-shaped stand-in for a certificate (not a real one: nothing here parses it). */
export function fakeCertificate(name: string): string {
  return `-----BEGIN CERTIFICATE-----\n${Buffer.from(`stand-in CA of ${name}`).toString("base64")}\n-----END CERTIFICATE-----`;
}

/** The value a mock RandomPassword returns: deterministic, so tests can search for it. */
export function fakeSecret(name: string, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) out += hash(`secret:${name}:${i}`);
  return `S3cr3t${out}`.slice(0, length);
}

/** Provider functions (invokes) the program calls. */
export function invokeResult(token: string, inputs: State, region: string): State {
  switch (token) {
    case "aws:ec2/getAmi:getAmi":
      return {
        id: `ami-0${hash(region).slice(0, 16)}`,
        imageId: `ami-0${hash(region).slice(0, 16)}`,
        name: "ubuntu-noble-24.04-amd64-server",
        architecture: "x86_64",
      };
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return { names: ["a", "b", "c"].map((z) => `${region}${z}`), zoneIds: ["1", "2", "3"].map((z) => `${region}-az${z}`), id: region };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: account, arn: `arn:aws:iam::${account}:user/ci`, userId: "AIDA", id: account };
    case "aws:index/getRegion:getRegion":
      return { name: region, region, id: region };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
    case "gcp:compute/getImage:getImage":
      return {
        selfLink: `https://www.googleapis.com/compute/v1/projects/ubuntu-os-cloud/global/images/${String(inputs.family ?? "image")}-v20261101`,
        name: `${String(inputs.family ?? "image")}-v20261101`,
        id: "image",
      };
    // Every type is offered in every zone, but the stand-ins of a type no zone offers: x9.* / x9-*.
    case "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": {
      const filters = (inputs.filters ?? []) as { name: string; values: string[] }[];
      const types = (filters.find((f) => f.name === "instance-type")?.values ?? []).filter((t) => !t.startsWith("x9."));
      const zones = ["a", "b", "c"].map((z) => `${region}${z}`);
      const pairs = types.flatMap((type) => zones.map((zone) => [type, zone] as const));
      return { instanceTypes: pairs.map(([t]) => t), locations: pairs.map(([, z]) => z), id: region };
    }
    case "aws:index/getRegions:getRegions":
      return { names: providerRegions.aws.filter((r) => r !== regionNotEnabled), id: "aws" };
    // RDS offers every Postgres major (its newest minor: .4) and every class but the stand-ins db.x9.*.
    case "aws:rds/getEngineVersion:getEngineVersion": {
      const version = `${String(inputs.version)}.4`;
      return { engine: "postgres", version, versionActual: version, id: version };
    }
    case "aws:rds/getOrderableDbInstance:getOrderableDbInstance": {
      const instanceClass = String(inputs.instanceClass);
      // The provider's message (the mock runtime does not pass it on).
      if (instanceClass.startsWith("db.x9.")) throw new Error("no RDS DB Instance Classes match the criteria; try a different search");
      return {
        engine: "postgres",
        engineVersion: inputs.engineVersion,
        instanceClass,
        storageType: "gp3",
        multiAzCapable: true,
        id: instanceClass,
      };
    }
    case "gcp:compute/getMachineTypes:getMachineTypes": {
      const name = /name = "([^"]+)"/.exec(String(inputs.filter ?? ""))?.[1] ?? "";
      return { machineTypes: name && !name.startsWith("x9-") ? [{ name }] : [], id: String(inputs.zone) };
    }
    case "gcp:compute/getZones:getZones":
      // As GCP lists a region's zones: an AI zone among them (us-central1-ai1a), which gets no VM.
      return { names: ["ai1a", "a", "b", "c"].map((z) => `${String(inputs.region ?? region)}-${z}`), id: String(inputs.region ?? region) };
    case "gcp:storage/getTransferProjectServiceAccount:getTransferProjectServiceAccount":
      return {
        email: "project-123456789@storage-transfer-service.iam.gserviceaccount.com",
        subjectId: "104242424242424242424",
        member: "serviceAccount:project-123456789@storage-transfer-service.iam.gserviceaccount.com",
        id: "p",
      };
    // Route 53 finds any zone; the Cloud DNS project holds example.com twice, public and private (the
    // lookup must pass over the private one).
    case "aws:route53/getZone:getZone": {
      const zoneId = `Z${hash(String(inputs.name)).slice(0, 12).toUpperCase()}`;
      return { zoneId, name: inputs.name, id: zoneId, privateZone: false };
    }
    case "gcp:dns/getManagedZones:getManagedZones":
      return {
        managedZones: [
          {
            name: "example-com-internal",
            dnsName: "example.com.",
            visibility: "private",
            id: "1",
            managedZoneId: "1",
            description: "",
            nameServers: [],
          },
          {
            name: "example-com",
            dnsName: "example.com.",
            visibility: "public",
            id: "2",
            managedZoneId: "2",
            description: "",
            nameServers: [],
          },
        ],
        id: String(inputs.project ?? "p"),
      };
    // A project named fresh-* is new: only the APIs GCP turns on for every project are on (storage,
    // serviceusage); a disabled one reads with no id, as the provider answers.
    case "gcp:projects/getProjectService:getProjectService": {
      const project = String(inputs.project ?? "p");
      const service = String(inputs.service);
      const on = !project.startsWith("fresh-") || ["storage.googleapis.com", "serviceusage.googleapis.com"].includes(service);
      return on ? { id: `${project}/${service}`, project, service } : { project, service };
    }
    case "gcp:organizations/getProject:getProject":
      return { number: "123456789", projectId: String(inputs.projectId ?? "p"), id: "p" };
    default:
      return {};
  }
}

/** A version number that changes with the value (and shows nothing of it). */
function revisionOf(value: unknown): number {
  return (
    1 +
    (parseInt(
      createHash("sha256")
        .update(JSON.stringify(value ?? null))
        .digest("hex")
        .slice(0, 8),
      16,
    ) %
      100000)
  );
}
