/**
 * The console: sign-in until a key is accepted, then the shell (header, navigation) around the screens of
 * SPEC 9. Other screens load on first visit (one chunk each), the charts inside them later still.
 */
import { Suspense, lazy } from 'react';
import type { ReactNode } from 'react';
import { ErrorBoundary } from 'react-error-boundary';
import { Navigate, Route, Routes, useLocation } from 'react-router';
import { useSessionState } from './api/session.tsx';
import { Shell } from './Shell.tsx';
import { Loading, ScreenFailed } from './components/common.tsx';
import { UnsavedChangesGuard } from './components/UnsavedChanges.tsx';
import { SignInPage } from './routes/signin/SignInPage.tsx';
// Home is where sign-in lands: in the first chunk, so its data is asked for without waiting for another download.
import HomePage from './routes/home/HomePage.tsx';

const OrdersPage = lazy(() => import('./routes/orders/OrdersPage.tsx'));
const OrderPage = lazy(() => import('./routes/orders/OrderPage.tsx'));
const ProductsPage = lazy(() => import('./routes/products/ProductsPage.tsx'));
const ProductPage = lazy(() => import('./routes/products/ProductPage.tsx'));
const InventoryPage = lazy(() => import('./routes/inventory/InventoryPage.tsx'));
const JobsPage = lazy(() => import('./routes/jobs/JobsPage.tsx'));
const RunPage = lazy(() => import('./routes/jobs/RunPage.tsx'));
const IntegrityPage = lazy(() => import('./routes/monitoring/IntegrityPage.tsx'));
const SettingsPage = lazy(() => import('./routes/settings/SettingsPage.tsx'));
const WebhooksPage = lazy(() => import('./routes/webhooks/WebhooksPage.tsx'));
const KeysPage = lazy(() => import('./routes/keys/KeysPage.tsx'));
const NotFoundPage = lazy(() => import('./routes/NotFoundPage.tsx'));

export function App() {
  const { session, restoring } = useSessionState();
  if (restoring) return <Loading label="Checking your API key" />;
  if (!session) return <SignInPage />;
  const admin = session.can('admin');
  return (
    <UnsavedChangesGuard>
      <Shell>
        <ScreenBoundary>
          <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/" element={<HomePage />} />
            <Route path="/orders" element={<OrdersPage />} />
            <Route path="/orders/:id" element={<OrderPage />} />
            <Route path="/products" element={<ProductsPage />} />
            <Route path="/products/:sku" element={<ProductPage />} />
            <Route path="/inventory" element={<InventoryPage />} />
            <Route path="/monitoring" element={<Navigate to="/monitoring/jobs" replace />} />
            <Route path="/monitoring/jobs" element={<JobsPage />} />
            <Route path="/monitoring/jobs/runs/:id" element={<RunPage />} />
            {admin ? <Route path="/monitoring/integrity" element={<IntegrityPage />} /> : null}
            <Route path="/settings" element={<Navigate to="/settings/index-and-reservation" replace />} />
            <Route path="/settings/:section" element={<SettingsPage />} />
            {admin ? <Route path="/webhooks" element={<WebhooksPage />} /> : null}
            {admin ? <Route path="/keys" element={<KeysPage />} /> : null}
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
          </Suspense>
        </ScreenBoundary>
      </Shell>
    </UnsavedChangesGuard>
  );
}

/**
 * A screen that fails to load or to render (its chunk gone after an update, the service down when it was first
 * opened) is said inside the shell, which stays usable; moving to another screen tries again.
 */
function ScreenBoundary({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  return (
    <ErrorBoundary resetKeys={[pathname]} fallbackRender={({ error, resetErrorBoundary }) => <ScreenFailed error={error} retry={resetErrorBoundary} />}>
      {children}
    </ErrorBoundary>
  );
}
