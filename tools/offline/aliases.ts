import type { RecordedAlias, RecordedResource } from "./run";

/**
 * Every URN a recorded resource answers to besides its own: its aliases, and those it inherits from
 * its parent's. The engine derives them from the alias specs the program sends, the way the SDK does
 * itself for engines without alias specs (@pulumi/pulumi resource.js: `allAliases`,
 * `inheritedChildAlias`): for each alias URN of the parent, the child answers to the same name under
 * that parent, and when the child's name starts with the parent's name (the `<parent>-<child>`
 * convention), that start is replaced by the parent alias's name.
 */
export function aliasUrns(resources: readonly RecordedResource[]): Map<string, string[]> {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const memo = new Map<string, string[]>();

  const aliasesOf = (r: RecordedResource): string[] => {
    const known = memo.get(r.urn);
    if (known) return known;
    const parent = r.parent ? byUrn.get(r.parent) : undefined;
    const own = r.aliases.map((a) => ownAlias(r, a));
    const inherited = parent
      ? aliasesOf(parent).flatMap((parentAlias) => [
          childAlias(r.name, r.type, parent.name, parentAlias, r.urn),
          ...own.map((a) => childAlias(nameOf(a), typeOf(a), parent.name, parentAlias, r.urn)),
        ])
      : [];
    const all = [...new Set([...own, ...inherited])].filter((urn) => urn !== r.urn);
    memo.set(r.urn, all);
    return all;
  };

  return new Map(resources.map((r) => [r.urn, aliasesOf(r)]));
}

/** `urn:pulumi:<stack>::<project>::<parent types$>type::name` of a resource under a parent URN (or none). */
export function urnOf(name: string, type: string, parentUrn: string | undefined, stackAndProject: string): string {
  // The root stack is nobody's type prefix.
  if (!parentUrn || /::pulumi:pulumi:Stack::[^:]*$/.test(parentUrn)) {
    return `${stackAndProject}${type}::${name}`;
  }
  return `${parentUrn.slice(0, parentUrn.lastIndexOf("::"))}$${type}::${name}`;
}

function ownAlias(r: RecordedResource, a: RecordedAlias): string {
  if (a.urn) return a.urn;
  const parentUrn = a.noParent ? undefined : (a.parentUrn ?? r.parent);
  return urnOf(a.name ?? r.name, a.type ?? r.type, parentUrn, prefixOf(r.urn));
}

function childAlias(childName: string, childType: string, parentName: string, parentAlias: string, ownUrn: string): string {
  const parentAliasName = parentAlias.slice(parentAlias.lastIndexOf("::") + 2);
  const name = childName.startsWith(parentName) ? parentAliasName + childName.slice(parentName.length) : childName;
  return urnOf(name, childType, parentAlias, prefixOf(ownUrn));
}

/** `urn:pulumi:<stack>::<project>::`. */
function prefixOf(urn: string): string {
  const [stack, project] = urn.split("::");
  return `${stack}::${project}::`;
}

function nameOf(urn: string): string {
  return urn.slice(urn.lastIndexOf("::") + 2);
}

function typeOf(urn: string): string {
  const types = urn.split("::")[2] ?? "";
  return types.slice(types.lastIndexOf("$") + 1);
}
