/** The few GitHub REST calls the comment steps make, over fetch (injectable for tests). */
export interface IssueComment {
  id: number;
  body: string;
  user?: { login?: string } | null;
}

export interface PullRequest {
  number: number;
  head: { sha: string };
}

export interface GitHub {
  listComments(pr: number): Promise<IssueComment[]>;
  createComment(pr: number, body: string): Promise<void>;
  updateComment(id: number, body: string): Promise<void>;
  /** Open pull requests whose head is `<owner>:<branch>`. */
  pullsByHead(owner: string, branch: string): Promise<PullRequest[]>;
}

type Fetch = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string },
) => Promise<{
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
  text(): Promise<string>;
}>;

export function gitHub(options: { token: string; repository: string; api?: string; fetch?: Fetch }): GitHub {
  const api = options.api ?? "https://api.github.com";
  const doFetch: Fetch = options.fetch ?? (fetch as unknown as Fetch);
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await doFetch(`${api}/repos/${options.repository}${path}`, {
      method,
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${options.token}`,
        "x-github-api-version": "2022-11-28",
        ...(body ? { "content-type": "application/json" } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) throw new Error(`GitHub ${method} ${path}: ${response.status} ${(await response.text()).slice(0, 300)}`);
    return response.status === 204 ? undefined : response.json();
  };
  return {
    async listComments(pr) {
      const all: IssueComment[] = [];
      // 50 pages (5,000 comments) is far more than a pull request has; the cap keeps a bad answer finite.
      for (let page = 1; page <= 50; page++) {
        const batch = (await call("GET", `/issues/${pr}/comments?per_page=100&page=${page}`)) as IssueComment[];
        all.push(...batch);
        if (batch.length < 100) break;
      }
      return all;
    },
    async createComment(pr, body) {
      await call("POST", `/issues/${pr}/comments`, { body });
    },
    async updateComment(id, body) {
      await call("PATCH", `/issues/comments/${id}`, { body });
    },
    async pullsByHead(owner, branch) {
      return (await call("GET", `/pulls?state=open&head=${encodeURIComponent(`${owner}:${branch}`)}`)) as PullRequest[];
    },
  };
}
