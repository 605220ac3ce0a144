import { Anchor, Text } from '@mantine/core';
import { Link } from 'react-router';
import { PageHeader } from '../components/common.tsx';

export default function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <Text>
        Nothing lives at this address, or your key may not open it. Go <Anchor component={Link} to="/">Home</Anchor>.
      </Text>
    </>
  );
}
