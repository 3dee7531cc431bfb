export default function LandingPage() {
  return (
    <main className="mx-auto max-w-3xl p-8">
      <h1 className="text-4xl font-bold">Koi</h1>
    </main>
  );
}
