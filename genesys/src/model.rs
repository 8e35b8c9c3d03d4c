//! The parts of Genesys Cloud's public API JSON the importer reads, with the
//! field names of the official SDK's models (npm `purecloud-platform-client-v2`
//! 262.0.0, `index.d.ts`): `DomainOrganizationRole`, `DomainPermissionPolicy`,
//! `DomainResourceConditionNode` / `DomainResourceConditionValue`,
//! `AuthzSubject`, `AuthzGrant`, `AuthzDivision`, `User`, `Group`, `Queue`,
//! `QueueMember`, `OAuthClient`, `AuthorizationPolicy` and their entity
//! listings. The API returns many more fields; they are ignored, and every
//! field is optional here as it is in the SDK — what a mapping needs and
//! does not find is reported, never guessed.

use std::collections::BTreeMap;

use serde::Deserialize;

/// A page of an entity listing (`…EntityListing`, `…CursorListing`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Listing<T> {
    /// The entities on this page.
    #[serde(default = "Vec::new")]
    pub entities: Vec<T>,
}

/// `DomainEntityRef`, `Division`, `UserReference`, `AuthzGrantRole`: an id and a name.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EntityRef {
    /// `id`.
    pub id: Option<String>,
    /// `name`.
    pub name: Option<String>,
}

/// `DomainOrganizationRole` (`GET /api/v2/authorization/roles`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DomainOrganizationRole {
    /// `id`.
    pub id: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `permissions`: the flat permission list.
    pub permissions: Vec<String>,
    /// `permissionPolicies`.
    pub permission_policies: Vec<DomainPermissionPolicy>,
    /// `default`: a Genesys default (system) role.
    pub default: Option<bool>,
}

/// `DomainPermissionPolicy`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DomainPermissionPolicy {
    /// `domain`.
    pub domain: Option<String>,
    /// `entityName` (`*`: every entity of the domain).
    pub entity_name: Option<String>,
    /// `policyName`.
    pub policy_name: Option<String>,
    /// `actionSet` (`*`: every action).
    pub action_set: Vec<String>,
    /// `namedResources`: the policy reaches these objects only.
    pub named_resources: Vec<String>,
    /// `allowConditions`.
    pub allow_conditions: Option<bool>,
    /// `resourceConditionNode`.
    pub resource_condition_node: Option<ConditionNode>,
}

/// `DomainResourceConditionNode` (the same shape as `ResourceConditionNode`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ConditionNode {
    /// `variableName` (a leaf).
    pub variable_name: Option<String>,
    /// `operator`: `EQ`, `IN`, `GE`, `GT`, `LE`, `LT`.
    pub operator: Option<String>,
    /// `operands`.
    pub operands: Vec<ConditionValue>,
    /// `conjunction`: `AND`, `OR` (a junction).
    pub conjunction: Option<String>,
    /// `terms`.
    pub terms: Vec<ConditionNode>,
}

/// `DomainResourceConditionValue`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ConditionValue {
    /// `user` (`UserFullReference`).
    pub user: Option<EntityRef>,
    /// `queue` (`QueueFullReference`).
    pub queue: Option<EntityRef>,
    /// `team` (`TeamFullReference`).
    pub team: Option<EntityRef>,
    /// `value`.
    pub value: Option<String>,
    /// `type`: `SCALAR`, `VARIABLE`, `USER`, `QUEUE`, `TEAM`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// `AuthzDivision` (`GET /api/v2/authorization/divisions`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AuthzDivision {
    /// `id` (`*` in a grant: every division).
    pub id: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `homeDivision`.
    pub home_division: Option<bool>,
}

/// `AuthzSubject` (`GET /api/v2/authorization/subjects/{subjectId}`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AuthzSubject {
    /// `id`.
    pub id: Option<String>,
    /// `grants`.
    pub grants: Vec<AuthzGrant>,
}

/// `AuthzGrant`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AuthzGrant {
    /// `subjectId`.
    pub subject_id: Option<String>,
    /// `division`.
    pub division: Option<AuthzDivision>,
    /// `role` (`AuthzGrantRole`).
    pub role: Option<EntityRef>,
}

/// `Contact` (a user's `addresses` / `primaryContactInfo`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Contact {
    /// `address`: a phone number, for `mediaType: PHONE`.
    pub address: Option<String>,
    /// `mediaType`.
    pub media_type: Option<String>,
}

/// `User` (`GET /api/v2/users`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct User {
    /// `id`.
    pub id: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `division`.
    pub division: Option<EntityRef>,
    /// `state`: `active`, `inactive`, `deleted`.
    pub state: Option<String>,
    /// `addresses`: phone lines among them.
    pub addresses: Vec<Contact>,
}

/// `Group` (`GET /api/v2/groups`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Group {
    /// `id`.
    pub id: Option<String>,
    /// `name`.
    pub name: Option<String>,
}

/// `MemberGroup` (a queue's `memberGroups`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct MemberGroup {
    /// `id`.
    pub id: Option<String>,
    /// `type`: `GROUP`, `TEAM`, `SKILLGROUP`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// `Queue` (`GET /api/v2/routing/queues`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Queue {
    /// `id`.
    pub id: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `division`.
    pub division: Option<EntityRef>,
    /// `memberGroups`.
    pub member_groups: Vec<MemberGroup>,
}

/// `QueueMember` (`GET /api/v2/routing/queues/{queueId}/members`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct QueueMember {
    /// `id` (the user's id).
    pub id: Option<String>,
    /// `user`.
    pub user: Option<EntityRef>,
}

/// `RoleDivision` (an OAuth client's `roleDivisions`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RoleDivision {
    /// `roleId`.
    pub role_id: Option<String>,
    /// `divisionId`.
    pub division_id: Option<String>,
}

/// `OAuthClient` (`GET /api/v2/oauth/clients`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OAuthClient {
    /// `id`.
    pub id: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `authorizedGrantType`: only `CLIENT-CREDENTIALS` clients hold roles of their own.
    pub authorized_grant_type: Option<String>,
    /// `roleDivisions`.
    pub role_divisions: Vec<RoleDivision>,
    /// `state`.
    pub state: Option<String>,
}

/// `Subject` of an access policy.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PolicySubject {
    /// `type`: `USER`, `GROUP`, `CLIENT`, …
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// `id`.
    pub id: Option<String>,
}

/// `AuthorizationPolicy` (`GET /api/v2/authorization/policies`): access policies (ABAC).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AuthorizationPolicy {
    /// `id`.
    pub id: Option<String>,
    /// `name`.
    pub name: Option<String>,
    /// `targetResource`: a `domain:entity:action` permission.
    pub target_resource: Option<String>,
    /// `subject`.
    pub subject: Option<PolicySubject>,
    /// `effect`: `ALLOW` or `DENY`.
    pub effect: Option<String>,
    /// `condition`: attribute logic recgate cannot read.
    pub condition: Option<serde_json::Value>,
    /// `active`.
    pub active: Option<bool>,
}

/// `recgate-overlay.json`: what a recgate policy needs and Genesys Cloud's
/// API does not hold — data-residency regions, BPO flags, settings,
/// prerequisites, the revision name. Keys are Genesys ids.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Overlay {
    /// The policy revision (default: derived from the content).
    pub revision: Option<String>,
    /// `settings` of the recgate policy, as written there.
    pub settings: Option<serde_json::Value>,
    /// `prerequisites` of the recgate policy, as written there.
    pub prerequisites: Option<serde_json::Value>,
    /// Defaults for the users of a division.
    pub divisions: BTreeMap<String, Residency>,
    /// Per user or OAuth client (over the division's defaults).
    pub users: BTreeMap<String, Residency>,
    /// BPO partner groups.
    pub groups: BTreeMap<String, GroupFlags>,
    /// Role id → permissions whose grants reach other data-residency regions
    /// (`crossRegion`: Genesys configures cross-region access outside roles).
    pub cross_region: BTreeMap<String, Vec<String>>,
}

/// A region and BPO flag.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Residency {
    /// Data-residency region.
    pub region: Option<String>,
    /// A BPO partner's user.
    pub bpo: Option<bool>,
}

/// Flags of a group.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct GroupFlags {
    /// A BPO partner's group.
    pub bpo: Option<bool>,
}

/// A whole org export, read.
#[derive(Debug, Clone, Default)]
pub struct Export {
    /// Every role.
    pub roles: Vec<DomainOrganizationRole>,
    /// Every division.
    pub divisions: Vec<AuthzDivision>,
    /// Subjects by user (or client) id.
    pub subjects: BTreeMap<String, AuthzSubject>,
    /// Every user.
    pub users: Vec<User>,
    /// Every group.
    pub groups: Vec<Group>,
    /// Group members (user ids) by group id.
    pub group_members: BTreeMap<String, Vec<String>>,
    /// Every queue.
    pub queues: Vec<Queue>,
    /// Queue members (user ids) by queue id.
    pub queue_members: BTreeMap<String, Vec<String>>,
    /// Every OAuth client.
    pub clients: Vec<OAuthClient>,
    /// Every access policy.
    pub access_policies: Vec<AuthorizationPolicy>,
    /// The overlay.
    pub overlay: Overlay,
}
