import { Alert, Text } from '@mantine/core';
import { ApiError, messageOf } from '../api/problem.ts';

interface Props {
  readonly error: unknown;
  /** What was being done, e.g. "Loading the job log". */
  readonly action?: string;
  /** What the screen needs when the route is missing: "promise explanations". */
  readonly feature?: string;
}

const WRAP = { title: { overflowWrap: 'anywhere', color: 'var(--mantine-color-text)' }, message: { overflowWrap: 'anywhere' } } as const;

/** An error where it happened: the problem's title and detail, and every field error. */
export function ProblemAlert({ error, action, feature }: Props) {
  if (!error) return null;
  if (error instanceof ApiError && error.missingRoute) {
    return (
      <Alert color="yellow" title={`Not available yet: ${feature ?? 'this feature'}`} role="alert" styles={WRAP}>
        <Text size="sm">
          This version of the service does not have it ({error.detail}, 404). It appears here once the service is updated.
        </Text>
      </Alert>
    );
  }
  const title = error instanceof ApiError ? `${action ? `${action} failed: ` : ''}${error.title}${error.status ? ` (${error.status})` : ''}` : action ? `${action} failed` : 'Something went wrong';
  return (
    <Alert color="red" title={title} role="alert" styles={WRAP}>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
        {messageOf(error)}
      </Text>
    </Alert>
  );
}
