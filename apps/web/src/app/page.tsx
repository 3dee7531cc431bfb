import { Engines } from "@/components/landing/engines";
import { Hero } from "@/components/landing/hero";
import { HowItWorks } from "@/components/landing/how-it-works";
import { Savings } from "@/components/landing/savings";
import { SiteFooter } from "@/components/landing/site-footer";
import { SiteHeader } from "@/components/landing/site-header";
import { WaitlistSection } from "@/components/landing/waitlist-section";
import { MainContent } from "@/components/layout/main-content";

export default function LandingPage() {
  return (
    <>
      <SiteHeader />
      <MainContent>
        <Hero />
        <Engines />
        <HowItWorks />
        <Savings />
        <WaitlistSection />
      </MainContent>
      <SiteFooter />
    </>
  );
}
